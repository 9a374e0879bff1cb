using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deckard.Core.Artifacts.Storage;

public static class MediaStorageServiceExtensions
{
    /// <summary>
    /// <c>Media:Storage</c>, validated at start; with <c>Provider: S3</c>, the bucket's client and <see cref="IArtifactBlobStore"/>.
    /// The provider is read once here, since it decides what is registered.
    /// </summary>
    public static IHostApplicationBuilder AddMediaStorage(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MediaStorageOptions.SectionName);
        builder.Services.AddOptions<MediaStorageOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        if (section.GetValue(nameof(MediaStorageOptions.Provider), MediaStorageProvider.Postgres) != MediaStorageProvider.S3)
        {
            return builder;
        }

        builder.Services.AddSingleton<IAmazonS3>(services =>
        {
            var options = services.GetRequiredService<IOptions<MediaStorageOptions>>().Value;
            var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle, AuthenticationRegion = options.Region };
            if (options.ServiceUrl is { } serviceUrl)
            {
                config.ServiceURL = serviceUrl.ToString();
                // Services other than AWS take checksums only when an operation requires them.
                config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
                config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            }

            return string.IsNullOrEmpty(options.AccessKeyId)
                ? new AmazonS3Client(config)
                : new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config);
        });
        builder.Services.AddSingleton<IArtifactBlobStore, S3ArtifactBlobStore>();
        return builder;
    }
}
