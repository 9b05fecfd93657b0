using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>One nginx-rtmp ingest slot (dev/rtmp-ingest) on free loopback ports; records what it receives as FLV.</summary>
public sealed class RtmpIngest : IAsyncDisposable
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
        await ingest.RestartAsync();
        return ingest;
    }

    /// <summary>Starts nginx again on the same ports (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.Start(RepoPaths.Dev("rtmp-ingest"),
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture),
            "--dir", Directory,
        ]);
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
    }

    /// <summary>The ingest dies at once, as a crashed CDN edge would (SIGKILL).</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        _process.Signal(Signals.SigKill);
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>The ingest hangs: alive, connections open, nothing read (SIGSTOP); <see cref="Thaw"/> resumes it.</summary>
    public void Freeze() => _process!.Signal(Signals.SigStop);

    public void Thaw() => _process!.Signal(Signals.SigCont);

    /// <summary>Bytes of FLV this ingest has recorded for <paramref name="streamKey"/> so far.</summary>
    public long BytesRecordedFor(string streamKey) => RecordingsFor(streamKey).Sum(f => new FileInfo(f).Length);

    public Task<string> StatAsync() => Http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/stat"));

    public IReadOnlyList<string> RecordingsFor(string streamKey) =>
        System.IO.Directory.Exists(RecordDirectory)
            ? System.IO.Directory.GetFiles(RecordDirectory, $"{streamKey}-*.flv").Order(StringComparer.Ordinal).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
            return;
        Thaw(); // a frozen nginx would ignore SIGTERM
        await _process.DisposeAsync();
    }
}
