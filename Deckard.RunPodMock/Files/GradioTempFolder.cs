using System.Security.Cryptography;
using System.Text;
using Deckard.RunPodMock.Configuration;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Files;

/// <summary>
/// Gradio's temp folder (<c>GRADIO_TEMP_DIR</c>): uploads and outputs live in <c>&lt;folder&gt;/&lt;hash&gt;/&lt;name&gt;</c>, where the
/// hash covers a per-install random seed and the content (so a client cannot predict a path from its file's hash).
/// Only files inside it may be used as inputs or downloaded through <c>file=</c>.
/// </summary>
public sealed class GradioTempFolder : IDisposable
{
    private readonly byte[] _seed = RandomNumberGenerator.GetBytes(32);
    private readonly bool _owned;
    private readonly ILogger<GradioTempFolder> _logger;

    public GradioTempFolder(IOptions<RunPodMockOptions> options, ILogger<GradioTempFolder> logger)
    {
        _logger = logger;
        var configured = options.Value.TempDirectory;
        _owned = string.IsNullOrWhiteSpace(configured);
        Root = Path.GetFullPath(_owned
            ? Path.Combine(Path.GetTempPath(), "deckard-runpod-mock", Guid.NewGuid().ToString("N")[..12], "gradio")
            : configured!);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Streams an upload into the folder while hashing it; null when it grows past <paramref name="maxBytes"/>.</summary>
    public async Task<string?> SaveAsync(Stream content, string? fileName, long? maxBytes, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(Root, ".incoming");
        Directory.CreateDirectory(incoming);
        var staging = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_seed);
        try
        {
            await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (maxBytes is { } max && total > max)
                    {
                        return null;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            var directory = Path.Combine(Root, Convert.ToHexStringLower(hash.GetHashAndReset()));
            Directory.CreateDirectory(directory);
            var destination = Path.Combine(directory, SafeName(fileName));
            File.Move(staging, destination, overwrite: true);
            return destination;
        }
        finally
        {
            File.Delete(staging);
        }
    }

    /// <summary>Moves a produced file into the folder (Gradio copies outputs into its cache), named by its content.</summary>
    public async Task<string> AdoptAsync(string producedFile, string fileName, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_seed);
        await using (var file = File.OpenRead(producedFile))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        var directory = Path.Combine(Root, Convert.ToHexStringLower(hash.GetHashAndReset()));
        Directory.CreateDirectory(directory);
        var destination = Path.Combine(directory, SafeName(fileName));
        File.Move(producedFile, destination, overwrite: true);
        return destination;
    }

    /// <summary>A scratch folder for one job's intermediate files, inside the temp folder but outside any served hash folder.</summary>
    public string CreateScratch()
    {
        var scratch = Path.Combine(Root, ".work", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        return scratch;
    }

    /// <summary>Whether the path (absolute, or relative to the working directory as Gradio resolves it) is inside the folder.</summary>
    public bool Contains(string path, out string fullPath)
    {
        fullPath = "";
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }

        var relative = Path.GetRelativePath(Root, fullPath);
        return relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)
            && !relative.StartsWith(".incoming", StringComparison.Ordinal) && !relative.StartsWith(".work", StringComparison.Ordinal);
    }

    /// <summary>Deletes every upload and output (the admin reset).</summary>
    public void Clear()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            try
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            catch (IOException exception)
            {
                _logger.LogDebug("Could not delete {Entry} on reset: {Reason}", entry, exception.Message);
            }
        }
    }

    /// <summary>Gradio's <c>strip_invalid_filename_characters</c>: keeps letters, digits and <c>._-, </c> in the name, the extension as is.</summary>
    public static string SafeName(string? fileName)
    {
        var name = Path.GetFileName(fileName ?? "");
        if (name.Length == 0)
        {
            return "tmp" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        }

        var extension = Path.GetExtension(name);
        var stem = name[..^extension.Length];
        var kept = new string([.. stem.Where(character => char.IsLetterOrDigit(character) || "._-, ".Contains(character))]);
        var result = kept + extension;
        while (Encoding.UTF8.GetByteCount(result) > 200 && kept.Length > 0)
        {
            kept = kept[..^1];
            result = kept + extension;
        }

        return result;
    }

    public void Dispose()
    {
        if (!_owned)
        {
            return;
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        }
        catch (IOException exception)
        {
            _logger.LogDebug("Could not delete the temp folder {Root}: {Reason}", Root, exception.Message);
        }
    }
}
