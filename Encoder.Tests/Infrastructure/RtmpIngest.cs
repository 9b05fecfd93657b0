using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// One nginx-rtmp ingest slot (dev/rtmp-ingest) on free loopback ports; records what it receives as FLV. With a
/// certificate it also takes rtmps on <see cref="TlsPort"/> (nginx's stream module terminating TLS in front of it). With
/// HLS it is also the CDN viewers play from: nginx-rtmp's own HLS of what it receives, served over HTTP
/// (<see cref="PlaybackUrlFor"/>), which a test can freeze (<see cref="FreezePlayback"/>) or make answer 404.
/// </summary>
public sealed class RtmpIngest : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ServerCertificate? _tls;
    private ChildProcess? _process;

    private readonly bool _hls;
    private int _frozen;

    private RtmpIngest(string directory, ServerCertificate? tls, bool hls)
    {
        _hls = hls;
        Directory = directory;
        Port = FreePort.Next();
        HttpPort = FreePort.Next();
        _tls = tls;
        TlsPort = tls is null ? 0 : FreePort.Next();
    }

    /// <summary>The rtmps port (0 without a certificate).</summary>
    public int TlsPort { get; }

    public string TlsUrlFor(string streamKey) => $"rtmps://127.0.0.1:{TlsPort}/live/{streamKey}";

    public string Directory { get; }

    public int Port { get; }

    public int HttpPort { get; }

    public string RecordDirectory => Path.Combine(Directory, "record");

    public string UrlFor(string streamKey) => $"rtmp://127.0.0.1:{Port}/live/{streamKey}";

    /// <summary>The live HLS playlist nginx makes of <paramref name="streamKey"/> (with HLS on), as a CDN's playback URL.</summary>
    public string PlaybackUrlFor(string streamKey) => $"http://127.0.0.1:{HttpPort}/hls/{streamKey}.m3u8";

    private string ServedHls => Path.Combine(Directory, "www", "hls");

    /// <summary>The "CDN" goes on serving what it has now, while nginx's HLS moves on: a copy of the HLS folder is served instead.</summary>
    public void FreezePlayback()
    {
        var copy = Path.Combine(Directory, $"hls-frozen-{++_frozen}");
        System.IO.Directory.CreateDirectory(copy);
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "hls")))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        Serve(copy);
    }

    /// <summary>The "CDN" answers 404 for everything under /hls/.</summary>
    public void HidePlayback() => Serve(null);

    /// <summary>The "CDN" serves nginx's live HLS again.</summary>
    public void ResumePlayback() => Serve(Path.Combine(Directory, "hls"));

    private void Serve(string? folder)
    {
        File.Delete(ServedHls); // the symlink (nginx resolves it at each request)
        if (folder is not null)
            File.CreateSymbolicLink(ServedHls, folder);
    }

    public static async Task<RtmpIngest> StartAsync(string directory, ServerCertificate? tls = null, bool hls = false)
    {
        var ingest = new RtmpIngest(directory, tls, hls);
        await ingest.RestartAsync();
        return ingest;
    }

    /// <summary>Starts nginx again on the same ports (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync()
    {
        List<string> arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture),
            "--dir", Directory,
        ];
        if (_hls)
            arguments.Add("--hls");
        if (_tls is not null)
            arguments.AddRange(["--tls-port", TlsPort.ToString(CultureInfo.InvariantCulture), "--tls-cert", _tls.CertificateFile, "--tls-key", _tls.KeyFile]);
        _process = ChildProcess.Start(RepoPaths.Dev("rtmp-ingest"), arguments);
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
        if (_tls is not null)
            await FreePort.WaitUntilListeningAsync(TlsPort, TimeSpan.FromSeconds(10));
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
