namespace Deckard.DistributedTests.Infrastructure;

/// <summary>A photo-like 640×480 portrait (not square, so the crop is exercised), made once per run with ffmpeg.</summary>
public static class TestPortrait
{
    private static readonly Lazy<Task<byte[]>> Png = new(async () =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("deckard-portrait-").FullName, "portrait.png");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", path);
        return await File.ReadAllBytesAsync(path);
    });

    public static Task<byte[]> PngAsync() => Png.Value;
}
