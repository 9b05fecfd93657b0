using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class FfmpegExitTests
{
    [TestCase(1, "Connection refused", false, "Connection refused (exit code 1)")]
    [TestCase(null, "stalled: no progress for 5s", true, "stalled: no progress for 5s")]
    [TestCase(null, "Broken pipe", false, "Broken pipe")]
    [TestCase(0, null, false, "exit code 0")]
    [TestCase(null, null, false, "exit code none (interrupted or killed)")]
    public void Describes_why_a_run_ended_with_its_last_error_and_exit_code(int? code, string? error, bool stalled, string expected) =>
        Assert.That(new FfmpegExit(code, TimeSpan.FromSeconds(3), null, error, StoppedOnRequest: false, stalled).Describe(), Is.EqualTo(expected));
}
