using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class FfmpegErrorsTests
{
    private static string? ReasonAfter(params string[] lines)
    {
        var errors = new FfmpegErrors();
        foreach (var line in lines)
            errors.Add(line);
        return errors.Reason;
    }

    [Test]
    public void The_last_error_line_is_the_reason() =>
        Assert.That(ReasonAfter(
            "[info] Input #0, mpegts, from 'tcp://127.0.0.1:4000':",
            "[tcp @ 0x55] [error] Connection to tcp://127.0.0.1:1935 failed: Connection refused",
            "[error] rtmp://127.0.0.1:1935/live/***: Connection refused"),
            Is.EqualTo("rtmp://127.0.0.1:1935/live/***: Connection refused"));

    [Test]
    public void No_error_line_no_reason() =>
        Assert.That(ReasonAfter("[info] Press [q] to stop", "[warning] something odd"), Is.Null);

    // As FFmpeg 5.1 (GnuTLS) prints them here, followed by its generic lines.
    [TestCase("[tls @ 0x559a01c7fb80] [error] Peer certificate failed verification", "Peer certificate failed verification")]
    [TestCase("[tls @ 0x559a01c7fb80] [error] The certificate's owner does not match hostname 127.0.0.1", "The certificate's owner does not match hostname 127.0.0.1")]
    public void A_refused_certificate_is_the_reason_named_as_TLS_verification_not_the_generic_lines_after_it(string tlsLine, string message) =>
        Assert.That(ReasonAfter(
            tlsLine,
            "[rtmps @ 0x559a01c82940] [error] Cannot open connection tls://127.0.0.1:19444",
            "[error] rtmps://127.0.0.1:19444/live/***: Input/output error"),
            Is.EqualTo($"TLS verification failed: {message}"));

    [Test]
    public void A_TLS_error_that_is_not_about_the_certificate_stays_an_ordinary_error() =>
        Assert.That(ReasonAfter(
            "[tls @ 0x55] [error] Error in the pull function.",
            "[error] rtmps://h/live/***: Input/output error"),
            Is.EqualTo("rtmps://h/live/***: Input/output error"));

    [Test]
    public void Add_returns_the_message_of_an_error_line_only()
    {
        var errors = new FfmpegErrors();

        Assert.That(errors.Add("[info] fine"), Is.Null);
        Assert.That(errors.Add("[fatal] Option tls_verify not found."), Is.EqualTo("Option tls_verify not found."));
    }
}
