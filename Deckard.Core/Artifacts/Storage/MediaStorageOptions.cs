using System.ComponentModel.DataAnnotations;

namespace Deckard.Core.Artifacts.Storage;

/// <summary>
/// Configuration section <c>Media:Storage</c>: where artifacts' bytes live. <c>Postgres</c> (the default) keeps them
/// in the <c>artifacts</c> row; <c>S3</c> puts them in an S3-compatible bucket (AWS S3, Cloudflare R2, Supabase
/// Storage, MinIO) and keeps only the object's key in the row. Api and Workers must agree.
/// </summary>
public sealed class MediaStorageOptions : IValidatableObject
{
    public const string SectionName = "Media:Storage";

    public MediaStorageProvider Provider { get; set; } = MediaStorageProvider.Postgres;

    /// <summary>The S3 endpoint for a service other than AWS (R2: <c>https://{account}.r2.cloudflarestorage.com</c>); empty for AWS.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The signing region (R2 takes <c>auto</c>).</summary>
    public string Region { get; set; } = "us-east-1";

    public string? Bucket { get; set; }

    /// <summary>With <see cref="SecretAccessKey"/>: static credentials. Both empty: the SDK's own chain (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Bucket in the path rather than the host name: what most S3-compatible services and local servers want.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Where in the bucket Deckard's objects go: <c>{KeyPrefix}{sessionId}/{artifactId}</c>.</summary>
    [RegularExpression("^([A-Za-z0-9._-]+/)*$", ErrorMessage = "KeyPrefix must be empty or path segments each ending in '/'.")]
    public string KeyPrefix { get; set; } = "artifacts/";

    /// <summary>Media links redirect (302) to a presigned URL of the object instead of streaming it through the Api.</summary>
    public bool PresignedDownloads { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider != MediaStorageProvider.S3)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("Media:Storage:Bucket is required when Media:Storage:Provider is S3.", [nameof(Bucket)]);
        }

        if (string.IsNullOrEmpty(AccessKeyId) != string.IsNullOrEmpty(SecretAccessKey))
        {
            yield return new ValidationResult(
                "Set both Media:Storage:AccessKeyId and Media:Storage:SecretAccessKey, or neither (the SDK's credential chain).",
                [nameof(AccessKeyId), nameof(SecretAccessKey)]);
        }

        if (ServiceUrl is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            yield return new ValidationResult("Media:Storage:ServiceUrl must be an absolute http(s) URL.", [nameof(ServiceUrl)]);
        }
    }
}

public enum MediaStorageProvider
{
    Postgres,
    S3,
}
