using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Deckard.Testing;

/// <summary>
/// A real S3-compatible server on this machine: the npm package s3rver (pinned in tests/s3rver), installed on first
/// use, with one bucket, its data in a temporary folder. Clients use path-style addressing and its fixed credentials.
/// Shared as source by the distributed tests and the media benchmark.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string Bucket = "deckard";
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;

    private S3Server(Process process, string directory, Uri serviceUrl)
    {
        _process = process;
        _directory = directory;
        ServiceUrl = serviceUrl;
    }

    public Uri ServiceUrl { get; }

    public static async Task<S3Server> StartAsync()
    {
        var package = PackageFolder();
        if (!File.Exists(Path.Combine(package, "node_modules", "s3rver", "bin", "s3rver.js")))
        {
            using var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            {
                WorkingDirectory = package,
                RedirectStandardError = true,
            })!;
            var errors = await install.StandardError.ReadToEndAsync();
            await install.WaitForExitAsync();
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {package} failed: {errors}");
            }
        }

        var directory = Directory.CreateTempSubdirectory("deckard-s3-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("node", ["node_modules/s3rver/bin/s3rver.js", "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--configure-bucket", Bucket, "--silent"])
        {
            WorkingDirectory = package,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var server = new S3Server(process, directory, new Uri($"http://127.0.0.1:{port}"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return server;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (Exception) when (process.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited: {await process.StandardError.ReadToEndAsync()}");
            }
        }
    }

    /// <summary>A client of the server, as Deckard's own is configured for it.</summary>
    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>The settings that point Api and Workers at this server.</summary>
    public IReadOnlyDictionary<string, string> DeckardSettings() => new Dictionary<string, string>
    {
        ["Media__Storage__Provider"] = "S3",
        ["Media__Storage__ServiceUrl"] = ServiceUrl.ToString(),
        ["Media__Storage__Bucket"] = Bucket,
        ["Media__Storage__AccessKeyId"] = AccessKeyId,
        ["Media__Storage__SecretAccessKey"] = SecretAccessKey,
    };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>tests/s3rver, found from the running assembly's folder upwards (bin/… sits inside the repository).</summary>
    private static string PackageFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "s3rver");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/s3rver was not found above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
