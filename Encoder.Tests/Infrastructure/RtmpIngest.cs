using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>One nginx-rtmp ingest slot (dev/rtmp-ingest) on free loopback ports; records what it receives as FLV.</summary>
internal sealed class RtmpIngest : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private ChildProcess? _process;

    private RtmpIngest(string directory)
    {
        Directory = directory;
        Port = FreePort.Next();
        HttpPort = FreePort.Next();
    }

    public string Directory { get; }

    public int Port { get; }

    public int HttpPort { get; }

    public string RecordDirectory => Path.Combine(Directory, "record");

    public string UrlFor(string streamKey) => $"rtmp://127.0.0.1:{Port}/live/{streamKey}";

    public static async Task<RtmpIngest> StartAsync(string directory)
    {
        var ingest = new RtmpIngest(directory);
        ingest._process = ChildProcess.Start(RepoPaths.Dev("rtmp-ingest"),
        [
            "--port", ingest.Port.ToString(CultureInfo.InvariantCulture),
            "--http-port", ingest.HttpPort.ToString(CultureInfo.InvariantCulture),
            "--dir", directory,
        ]);
        await FreePort.WaitUntilListeningAsync(ingest.Port, TimeSpan.FromSeconds(10));
        return ingest;
    }

    public Task<string> StatAsync() => Http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/stat"));

    public IReadOnlyList<string> RecordingsFor(string streamKey) =>
        System.IO.Directory.Exists(RecordDirectory)
            ? System.IO.Directory.GetFiles(RecordDirectory, $"{streamKey}-*.flv").Order(StringComparer.Ordinal).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
    }
}
