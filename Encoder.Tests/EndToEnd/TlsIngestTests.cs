using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Ffmpeg;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// rtmps verified: one nginx-rtmp ingest behind nginx's stream module, which terminates TLS with a server certificate
/// for 127.0.0.1 from a CA made here (openssl). The daemon's egress (real FFmpeg) streams only when that CA is the
/// one it trusts (<c>Tls:CaFile</c>), and the ingest probe trusts exactly what the egress trusts.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Category("Integration")]
public sealed class TlsIngestTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(45);

    private string _work = "";
    private TestCertificateAuthority _ingestCa = null!;
    private TestCertificateAuthority _otherCa = null!;
    private TestCamera _camera = null!;
    private RtmpIngest _ingest = null!;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        _work = Directory.CreateTempSubdirectory("encoder-TlsIngestTests-").FullName;
        _ingestCa = await TestCertificateAuthority.CreateAsync(Path.Combine(_work, "pki"), "ingest-ca");
        _otherCa = await TestCertificateAuthority.CreateAsync(Path.Combine(_work, "pki"), "other-ca");
        var server = await _ingestCa.IssueAsync("ingest", "IP:127.0.0.1");
        _camera = await TestCamera.StartAsync();
        _ingest = await RtmpIngest.StartAsync(Path.Combine(_work, "ingest"), server);
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await _ingest.DisposeAsync();
        await _camera.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task With_the_ingest_s_CA_pinned_the_class_streams_over_rtmps()
    {
        var key = NewStreamKey();
        var settings = Settings("tls-pinned", key, _ingestCa.CertificateFile);
        var status = EncoderDaemon.Status(settings);

        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming" && _ingest.BytesRecordedFor(key) > 0, Soon,
            "the primary streams over rtmps and the ingest records it", () => daemon.Output);
        daemon.Signal(Signals.SigTerm);

        Assert.That(await daemon.WaitForExitAsync(Soon), Is.Zero, daemon.Output);
        var egressLog = await File.ReadAllTextAsync(Directory.GetFiles(LogDirectory(settings), "ffmpeg-egress-primary-*.log")[0]);
        Assert.That(egressLog, Does.Contain($"-tls_verify 1 -ca_file {_ingestCa.CertificateFile} -f flv rtmps://127.0.0.1:{_ingest.TlsPort}/live/***"));
    }

    [TestCase("the system's CAs")]
    [TestCase("another CA")]
    public async Task An_ingest_whose_certificate_is_not_from_a_trusted_CA_is_refused_and_the_status_says_TLS_verification(string trusted)
    {
        var key = NewStreamKey();
        var settings = Settings($"tls-refused-{(trusted == "another CA" ? "other" : "system")}", key,
            trusted == "another CA" ? _otherCa.CertificateFile : TlsOptions.SystemCaFile);
        var status = EncoderDaemon.Status(settings);

        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestFailures("primary") >= 2, Soon, "the egress is refused, and refused again on its retry", () => daemon.Output);

        Assert.That(status.LastError("primary"), Does.StartWith(FfmpegErrors.TlsVerificationFailed));
        Assert.That(status.RecorderState(), Is.EqualTo("streaming"), "the recording goes on");
        Assert.That(_ingest.BytesRecordedFor(key), Is.Zero, "nothing was published");
        daemon.Signal(Signals.SigTerm);
        await daemon.WaitForExitAsync(Soon);
    }

    // What the probe trusts (null CA file: the system's) and which host it names → whether the ingest counts as healthy
    [TestCase(true, "ingest-ca", "127.0.0.1", true)]
    [TestCase(true, "other-ca", "127.0.0.1", false)]
    [TestCase(true, null, "127.0.0.1", false)]
    [TestCase(true, "ingest-ca", "localhost", false)]
    [TestCase(false, "other-ca", "127.0.0.1", true)]
    [TestCase(false, null, "localhost", true)]
    public async Task The_probe_trusts_what_the_egress_trusts(bool verify, string? ca, string host, bool healthy)
    {
        var caFile = ca switch
        {
            "ingest-ca" => _ingestCa.CertificateFile,
            "other-ca" => _otherCa.CertificateFile,
            _ => TlsOptions.SystemCaFile,
        };
        var probe = new RtmpProbe(TimeSpan.FromSeconds(10), new TlsOptions { Verify = verify, CaFile = caFile });

        var answer = await probe.IsHealthyAsync($"rtmps://{host}:{_ingest.TlsPort}/live/probe", CancellationToken.None);

        Assert.That(answer, Is.EqualTo(healthy));
    }

    private Dictionary<string, string> Settings(string sessionId, string key, string caFile)
    {
        var work = Path.Combine(_work, sessionId);
        var settings = EncoderDaemon.Settings(sessionId, _camera.Url, _ingest.TlsUrlFor(key), work);
        settings["Tls:CaFile"] = caFile;
        settings["Status:Path"] = Path.Combine(work, "status.json");
        return settings;
    }

    private static string LogDirectory(Dictionary<string, string> settings) =>
        Path.Combine(settings["Storage:Directory"], settings["SessionId"], "logs");

    private static string NewStreamKey() => $"key-{Guid.NewGuid():N}"[..16] + "-Str3amKey";
}
