using Encoder.Configuration;

namespace Encoder.Tests.Configuration;

public sealed class StopBudgetTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    // Each case: ShutdownTimeout, Ffmpeg:StopTimeoutSeconds, self-termination (enabled, seconds), and the deadlines
    // (offsets from the stop request) every step then works to.
    [TestCase(120, 10, false, 30, 15, 117, 117, 102, 20, true, TestName = "The defaults: the drain gets all but FFmpeg's 15 s and 3 s to exit")]
    [TestCase(120, 10, true, 30, 15, 87, 117, 72, 50, true, TestName = "Self-termination takes its 30 s from the end, before the exit reserve")]
    [TestCase(20, 10, false, 30, 15, 17, 17, 2, 20, true, TestName = "The shortest stop leaves the drain exactly its minimum")]
    [TestCase(19, 10, false, 30, 15, 16, 16, 1, 20, false, TestName = "A second less does not fit")]
    [TestCase(12, 2, false, 30, 7, 9, 9, 2, 12, true, TestName = "A short FFmpeg grace shortens the minimum")]
    [TestCase(53, 10, true, 45, 15, 5, 50, -10, 65, false, TestName = "A termination slice too long for the stop does not fit")]
    public void The_stop_is_split_into_ffmpeg_drain_and_termination_slices(
        int shutdown, int grace, bool selfTerminate, int terminateSeconds,
        int ffmpegStoppedBy, int drainDeadline, int terminationDeadline, int drain, int minimumTotal, bool fits)
    {
        var budget = StopBudget.From(Options(shutdown, grace, selfTerminate, terminateSeconds));

        Assert.That(new object[] { budget.FfmpegStoppedBy, budget.DrainDeadline, budget.TerminationDeadline, budget.Drain, budget.MinimumTotal, budget.Fits },
            Is.EqualTo(new object[] { ffmpegStoppedBy * S, drainDeadline * S, terminationDeadline * S, drain * S, minimumTotal * S, fits }));
        Assert.That(budget.FfmpegStoppedBy + budget.Drain + budget.Termination + StopBudget.ExitReserve, Is.EqualTo(budget.Total), "the slices add up to the whole stop");
    }

    [TestCase(10, 10, 11, 13, 15, TestName = "The recorder: SIGINT at the grace, again 1 s later, SIGKILL 3 s after the first")]
    [TestCase(1, 1, 2, 4, 6, TestName = "An egress's 1 s grace escalates the same way")]
    public void Ffmpeg_escalates_from_its_grace(int grace, int interrupt, int secondInterrupt, int kill, int goneBy)
    {
        Assert.That(StopBudget.EscalationAfter(grace * S), Is.EqualTo(new FfmpegEscalation(interrupt * S, secondInterrupt * S, kill * S, goneBy * S)));
    }

    [Test]
    public void Self_termination_gets_no_slice_when_it_is_off()
    {
        Assert.That(StopBudget.From(Options(120, 10, selfTerminate: false, terminateSeconds: 300)).Termination, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void The_documented_figures_are_the_budgets()
    {
        // docs/architecture.md, "Stopping", with its line breaks as spaces
        var doc = string.Join(' ', File.ReadAllText(Path.Combine(Infrastructure.RepoPaths.Root, "docs", "architecture.md")).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        string Setting(string key) => EncoderSettings.Find(EncoderSettings.Full(key))!.Description;

        Assert.That(Setting("ShutdownTimeout"), Does.Contain($"`Ffmpeg:StopTimeoutSeconds` + {StopBudget.Overhead.TotalSeconds} s"));
        Assert.That(Setting("Ffmpeg:StopTimeoutSeconds"), Does.Contain($"a second SIGINT {StopBudget.SecondInterruptAfterGrace.TotalSeconds} s later, and SIGKILL {StopBudget.KillAfterGrace.TotalSeconds} s after the first"));
        Assert.That(doc, Does.Contain($"a second SIGINT {StopBudget.SecondInterruptAfterGrace.TotalSeconds} s later (a blocked FFmpeg ignores the first), then SIGKILL {StopBudget.KillAfterGrace.TotalSeconds} s after the first"));
        Assert.That(doc, Does.Contain($"and {StopBudget.KillToExit.TotalSeconds} s for a killed FFmpeg to go)"));
        Assert.That(doc, Does.Contain($"{StopBudget.ExitReserve.TotalSeconds} s to log and exit"));
        Assert.That(doc, Does.Contain($"less than {StopBudget.MinimumDrain.TotalSeconds} s is refused"));
    }

    private static EncoderOptions Options(int shutdown, int grace, bool selfTerminate, int terminateSeconds) => new()
    {
        ShutdownTimeout = shutdown * S,
        Ffmpeg = new FfmpegOptions { StopTimeoutSeconds = grace },
        SelfTerminate = new SelfTerminateOptions { Enabled = selfTerminate, TimeoutSeconds = terminateSeconds },
    };
}
