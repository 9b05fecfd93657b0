using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

public sealed class TlsConfigurationTests
{
    [Test]
    public void Certificates_are_verified_against_the_system_s_CA_bundle_by_default()
    {
        var result = EncoderConfiguration.Load(Build(Valid()), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That((result.Options.Tls.Verify, result.Options.Tls.CaFile), Is.EqualTo((true, "/etc/ssl/certs/ca-certificates.crt")));
    }

    [Test]
    public void The_tls_keys_bind_to_the_options()
    {
        var values = Valid();
        values["Encoder:Tls:Verify"] = "false";
        values["Encoder:Tls:CaFile"] = "/etc/encoder/cdn-ca.pem";

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That((result.Options.Tls.Verify, result.Options.Tls.CaFile), Is.EqualTo((false, "/etc/encoder/cdn-ca.pem")));
    }

    // Camera scheme, Tls:Verify → the configuration error (none: accepted)
    [TestCase("rtsp", "true", null)]
    [TestCase("rtsp", "false", null)]
    [TestCase("rtsps", "false", null)]
    [TestCase("rtsps", "true", "Encoder:Camera:Url: rtsps:// cannot be verified (FFmpeg 5.1 takes no TLS options for RTSP): set Encoder:Tls:Verify=false to pull it unverified, or use rtsp://")]
    [TestCase("RTSPS", "true", "Encoder:Camera:Url: rtsps:// cannot be verified (FFmpeg 5.1 takes no TLS options for RTSP): set Encoder:Tls:Verify=false to pull it unverified, or use rtsp://")]
    public void An_rtsps_camera_is_taken_only_with_verification_off_because_FFmpeg_cannot_verify_it(string scheme, string verify, string? expected)
    {
        var values = Valid();
        values["Encoder:Camera:Url"] = $"{scheme}://admin:s3cret@10.0.0.5:322/stream1";
        values["Encoder:Tls:Verify"] = verify;

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, expected is null ? Is.Empty : Is.EqualTo(new[] { expected }));
        Assert.That(string.Join('\n', result.Errors), Does.Not.Contain("s3cret"));
    }

    [Test]
    public void An_empty_CA_file_is_refused_while_verifying()
    {
        var values = Valid();
        values["Encoder:Tls:CaFile"] = "";

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.EqualTo(new[] { "Encoder:Tls:CaFile: is required while Encoder:Tls:Verify is true" }));
    }

    // Ingest, Tls:Verify, CA file → whether the start refuses a missing CA file
    [TestCase("rtmps://a.example.com/live/k", true, "/nonexistent/ca.pem", true)]
    [TestCase("rtmps://a.example.com/live/k", false, "/nonexistent/ca.pem", false)]
    [TestCase("rtmp://a.example.com/live/k", true, "/nonexistent/ca.pem", false)]
    [TestCase("rtmps://a.example.com/live/k", true, "/etc/passwd", false)]
    public void A_missing_CA_file_stops_the_start_only_when_an_rtmps_ingest_needs_it(string primary, bool verify, string caFile, bool refused)
    {
        var options = new EncoderOptions { Ingest = new IngestOptions { Primary = primary }, Tls = new TlsOptions { Verify = verify, CaFile = caFile } };

        var errors = EnvironmentChecks.Validate(options);

        Assert.That(errors, refused
            ? Is.EqualTo(new[] { $"Encoder:Tls:CaFile: '{caFile}' was not found (the CAs an rtmps:// ingest's certificate must chain to; install ca-certificates or name your CA's file)" })
            : Is.Empty);
    }

    [Test]
    public void A_missing_CA_file_for_the_secondary_alone_stops_the_start_too()
    {
        var options = new EncoderOptions
        {
            Ingest = new IngestOptions { Primary = "rtmp://a.example.com/live/k", Secondary = "rtmps://b.example.com/live/k" },
            Tls = new TlsOptions { CaFile = "/nonexistent/ca.pem" },
        };

        Assert.That(EnvironmentChecks.Validate(options), Has.Count.EqualTo(1));
    }
}

public sealed class TlsAnnouncementTests
{
    // Tls:Verify, Tls:CaFile (null: the system's) → the levels the start logs
    [TestCase(true, null, new[] { LogLevel.Information })]
    [TestCase(true, "/etc/encoder/cdn-ca.pem", new[] { LogLevel.Information, LogLevel.Information })]
    [TestCase(false, null, new[] { LogLevel.Information, LogLevel.Warning })]
    public async Task Turning_verification_off_is_a_warning_at_every_start_and_a_pin_is_stated(bool verify, string? caFile, LogLevel[] levels)
    {
        var work = Directory.CreateTempSubdirectory("encoder-tls-announce-").FullName;
        try
        {
            var options = new EncoderOptions
            {
                SessionId = "s",
                Recording = new RecordingOptions { Directory = work },
                Tls = new TlsOptions { Verify = verify, CaFile = caFile ?? TlsOptions.SystemCaFile },
            };
            var logger = new ListLogger<SessionAnnouncer>();

            await new SessionAnnouncer(options, new RecordingLayout(options), logger).StartAsync(CancellationToken.None);

            Assert.That(logger.Lines.Select(l => l.Level), Is.EqualTo(levels), logger.Text);
            if (!verify)
                Assert.That(logger.Lines.Last().Message, Does.Contain("Encoder:Tls:Verify=false"), "names the key that did it");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
