using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class CappedLogTests
{
    [Test]
    public void A_camera_spewing_errors_fills_the_log_only_to_its_cap_then_one_line_says_it_was_cut()
    {
        using var file = new StringWriter();
        var log = new CappedLog(file, maxBytes: 10_000);

        for (var i = 0; i < 100_000; i++)
            log.WriteLine($"[h264 @ 0x55d0] [error] non-existing PPS 0 referenced ({i})");
        log.WriteFooter("# encoder Recorder run 1 ended");

        var lines = file.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(file.ToString().Length, Is.LessThan(10_000 + 200));
        Assert.That(log.Cut, Is.True);
        Assert.That(lines.Count(l => l.Contains("was cut", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(lines[^1], Is.EqualTo("# encoder Recorder run 1 ended"), "the daemon's closing line is kept");
    }

    [Test]
    public void A_log_under_its_cap_is_written_whole()
    {
        using var file = new StringWriter();
        var log = new CappedLog(file, maxBytes: 10_000);

        for (var i = 0; i < 10; i++)
            log.WriteLine($"line {i}");

        Assert.That(log.Cut, Is.False);
        Assert.That(file.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(10));
    }
}
