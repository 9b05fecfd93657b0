using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// One nginx-rtmp ingest slot (dev/rtmp-ingest) on free loopback ports; records what it receives as FLV. With a
/// certificate it also takes rtmps on <see cref="TlsPort"/> (nginx's stream module terminating TLS in front of it).
/// </summary>
public sealed class RtmpIngest : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ServerCertificate? _tls;
    private ChildProcess? _process;

    private RtmpIngest(string directory, ServerCertificate? tls)
    {
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

    public static async Task<RtmpIngest> StartAsync(string directory, ServerCertificate? tls = null)
    {
        var ingest = new RtmpIngest(directory, tls);
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
