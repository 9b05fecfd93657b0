using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recorder;
using Encoder.Resilience;
using static Encoder.Recorder.RecorderAction;
using static Encoder.Recorder.RecorderEvent;

namespace Encoder.Tests.Recorder;

/// <summary>Every transition of the recorder's policy, as (events so far) → (phase, the last event's actions).</summary>
public sealed class RecorderPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly FfmpegExit Refused = Exit(1, "Connection refused", seconds: 0.1);
    private static readonly FfmpegExit StoppedOnRequest = new(0, TimeSpan.FromSeconds(60), null, null, StoppedOnRequest: true, Stalled: false);

    // Shared beginnings: seconds since T0 and what happened.
    private static readonly (double, RecorderEvent)[] Streaming = [(0, new Begin()), (1, new RunStreaming())];
    private static readonly (double, RecorderEvent)[] FailedOnce = [.. Streaming, (10, new RunEnded(Refused))];
    private static readonly (double, RecorderEvent)[] Probing = [.. FailedOnce, (10, new CameraProbed(false, T0.AddSeconds(10)))];
    private static readonly (double, RecorderEvent)[] Replanning = [(0, new Begin()), (1, new StreamsChanged("video hevc → h264", "copying H.264"))];

    private static IEnumerable<TestCaseData> Transitions()
    {
        yield return Case("Starts_run_1_when_the_class_begins", [(0, new Begin())], RecorderPhase.Running, new StartRun(1, Announce: true));
        yield return Case("Reports_the_first_frame_of_a_run", Streaming, RecorderPhase.Running, new RecorderAction.Streaming(1));
        yield return Case("A_second_first_frame_is_late_news", [.. Streaming, (2, new RunStreaming())], RecorderPhase.Running);
        yield return Case("A_run_that_ends_is_a_failure_restarted_after_the_first_delay_probing_the_camera_meanwhile", FailedOnce, RecorderPhase.Waiting,
            new RunFailed(Refused, "Connection refused (exit code 1)", new RestartDecision(1, TimeSpan.FromSeconds(0.5), FailureReport.OutageStarted), T0.AddSeconds(10)),
            new ProbeCamera());
        yield return Case("A_camera_stream_that_ends_cleanly_is_a_failure_too", [.. Streaming, (10, new RunEnded(Exit(0, null, seconds: 9)))], RecorderPhase.Waiting,
            new RunFailed(Exit(0, null, seconds: 9), "the camera stream ended (exit code 0)", new RestartDecision(1, TimeSpan.FromSeconds(0.5), FailureReport.OutageStarted),
                T0.AddSeconds(10)), new ProbeCamera());
        yield return Case("Sleeps_until_the_next_probe_when_the_camera_does_not_answer", Probing, RecorderPhase.Waiting, new WaitFor(RestartWait.ProbeInterval));
        yield return Case("Probes_again_after_the_interval", [.. Probing, (10.25, new WaitOver())], RecorderPhase.Waiting, new ProbeCamera());
        yield return Case("Restarts_quietly_when_the_backoff_ends_during_an_outage",
            [.. Probing, (10.25, new WaitOver()), (10.25, new CameraProbed(false, T0.AddSeconds(10.25))), (10.5, new WaitOver())], RecorderPhase.Running,
            new StartRun(2, Announce: false));
        yield return Case("Restarts_at_once_when_the_camera_is_seen_coming_back",
            [.. FailedOnce, (10.5, new WaitOver()), (10.6, new RunEnded(Refused)), (10.6, new CameraProbed(false, T0.AddSeconds(10.6))), (10.85, new WaitOver()),
                (10.85, new CameraProbed(true, T0.AddSeconds(10.85)))], RecorderPhase.Running,
            new RestartEarly(TimeSpan.FromSeconds(0.75)), new StartRun(3, Announce: false));
        yield return Case("A_camera_that_answers_all_along_is_retried_on_the_backoff",
            [.. FailedOnce, (10, new CameraProbed(true, T0.AddSeconds(10))), (10.25, new WaitOver()), (10.25, new CameraProbed(true, T0.AddSeconds(10.25))),
                (10.5, new WaitOver())], RecorderPhase.Running, new StartRun(2, Announce: false));
        yield return Case("After_the_camera_came_back_the_delays_start_from_the_first",
            [.. FailedOnce, (10.5, new WaitOver()), (10.6, new RunEnded(Refused)), (10.6, new CameraProbed(false, T0.AddSeconds(10.6))), (10.85, new WaitOver()),
                (10.85, new CameraProbed(true, T0.AddSeconds(10.85))), (11, new RunEnded(Refused))], RecorderPhase.Waiting,
            new RunFailed(Refused, "Connection refused (exit code 1)", new RestartDecision(3, TimeSpan.FromSeconds(0.5), FailureReport.Quiet), T0.AddSeconds(10)),
            new ProbeCamera());
        yield return Case("Fails_again_on_the_next_delay_while_the_outage_goes_on",
            [.. FailedOnce, (10.5, new WaitOver()), (10.6, new RunEnded(Refused))], RecorderPhase.Waiting,
            new RunFailed(Refused, "Connection refused (exit code 1)", new RestartDecision(2, TimeSpan.FromSeconds(1), FailureReport.Quiet), T0.AddSeconds(10)),
            new ProbeCamera());
        yield return Case("Reminds_of_the_outage_when_its_cause_changes",
            [.. FailedOnce, (10.5, new WaitOver()), (10.6, new RunEnded(Exit(1, "401 Unauthorized", seconds: 0.1)))], RecorderPhase.Waiting,
            new RunFailed(Exit(1, "401 Unauthorized", seconds: 0.1), "401 Unauthorized (exit code 1)",
                new RestartDecision(2, TimeSpan.FromSeconds(1), FailureReport.StillFailing), T0.AddSeconds(10)), new ProbeCamera());
        yield return Case("Reports_the_outage_when_a_run_streams_again",
            [.. FailedOnce, (10.5, new WaitOver()), (11, new RunStreaming())], RecorderPhase.Running, new RecorderAction.CameraBack(TimeSpan.FromSeconds(1)));
        yield return Case("A_run_that_streamed_starts_the_delays_from_the_first",
            [.. FailedOnce, (10.5, new WaitOver()), (11, new RunStreaming()), (20, new RunEnded(Refused))], RecorderPhase.Waiting,
            new RunFailed(Refused, "Connection refused (exit code 1)", new RestartDecision(1, TimeSpan.FromSeconds(0.5), FailureReport.OutageStarted), T0.AddSeconds(20)),
            new ProbeCamera());
        yield return Case("Restarts_at_once_for_streams_its_plan_does_not_fit", Replanning, RecorderPhase.Replanning,
            new RecorderAction.Replanning("video hevc → h264", "copying H.264"), new StopRun());
        yield return Case("The_run_stopped_for_a_new_plan_is_not_a_failure", [.. Replanning, (1.1, new RunEnded(StoppedOnRequest))], RecorderPhase.Running,
            new StartRun(2, Announce: true));
        yield return Case("A_run_started_for_a_new_plan_goes_on_with_it_when_the_streams_change_again",
            [.. Replanning, (1.1, new RunEnded(StoppedOnRequest)), (2, new StreamsChanged("video h264 → hevc", "transcoding"))], RecorderPhase.Running,
            new KeepsPlan(2, "video h264 → hevc"));
        yield return Case("The_next_run_may_restart_for_the_streams_again",
            [.. Replanning, (1.1, new RunEnded(StoppedOnRequest)), (5, new RunEnded(Refused)), (5.5, new WaitOver()),
                (6, new StreamsChanged("video h264 → hevc", "transcoding"))], RecorderPhase.Replanning,
            new RecorderAction.Replanning("video h264 → hevc", "transcoding"), new StopRun());
        yield return Case("The_stop_lets_the_run_finish_its_last_segment", [.. Streaming, (60, new DaemonStops())], RecorderPhase.Stopping);
        yield return Case("Stops_once_the_last_run_ended", [.. Streaming, (60, new DaemonStops()), (61, new RunEnded(StoppedOnRequest))], RecorderPhase.Stopped,
            new Stopped(StoppedOnRequest));
        yield return Case("A_run_stopped_by_the_daemon_stops_the_recorder_even_before_the_stop_is_heard",
            [.. Streaming, (61, new RunEnded(StoppedOnRequest))], RecorderPhase.Stopped, new Stopped(StoppedOnRequest));
        yield return Case("A_stop_during_a_replan_stops", [.. Replanning, (1.05, new DaemonStops()), (1.1, new RunEnded(StoppedOnRequest))], RecorderPhase.Stopped,
            new Stopped(StoppedOnRequest));
        yield return Case("A_stop_between_runs_stops_at_once", [.. Probing, (10.1, new DaemonStops())], RecorderPhase.Stopped, new Stopped(null));
        yield return Case("A_run_abandoned_by_the_stop_stops", [(0, new Begin()), (0.1, new DaemonStops()), (0.2, new RunAbandoned())], RecorderPhase.Stopped,
            new Stopped(null));
        yield return Case("News_after_the_stop_is_ignored", [.. Probing, (10.1, new DaemonStops()), (10.2, new CameraProbed(true, T0.AddSeconds(10.1)))],
            RecorderPhase.Stopped);
    }

    [TestCaseSource(nameof(Transitions))]
    public void Decides((double, RecorderEvent)[] events, RecorderPhase phase, RecorderAction[] lastActions)
    {
        var (state, actions) = Play(events);
        Assert.That(state.Phase, Is.EqualTo(phase));
        Assert.That(actions, Is.EqualTo(lastActions));
    }

    [Test]
    public void The_restart_delays_double_to_the_cap_with_jitter_from_the_event()
    {
        var events = new List<(double, RecorderEvent)> { (0, new Begin()) };
        var at = 1.0;
        var delays = new List<double>();
        for (var failure = 0; failure < 6; failure++, at += 20)
        {
            events.Add((at, new RunEnded(Refused, JitterUnit: 1)));
            var failed = Play([.. events]).Actions.OfType<RunFailed>().Single();
            delays.Add(Math.Round(failed.Restart.Delay.TotalSeconds, 3));
            events.Add((at + 19, new WaitOver()));
        }

        Assert.That(delays, Is.EqualTo(new[] { 0.6, 1.2, 2.4, 4.8, 9.6, 10.0 }), "+20 % jitter, never above the 10 s cap");
    }

    private static (RecorderState State, IReadOnlyList<RecorderAction> Actions) Play((double Seconds, RecorderEvent Event)[] events)
    {
        var state = RecorderPolicy.Initial(new FfmpegOptions());
        IReadOnlyList<RecorderAction> actions = [];
        foreach (var (seconds, happened) in events)
            (state, actions) = RecorderPolicy.Decide(state, happened, T0.AddSeconds(seconds));
        return (state, actions);
    }

    private static FfmpegExit Exit(int code, string? error, double seconds) => new(code, TimeSpan.FromSeconds(seconds), null, error, StoppedOnRequest: false, Stalled: false);

    private static TestCaseData Case(string name, (double, RecorderEvent)[] events, RecorderPhase phase, params RecorderAction[] actions) =>
        new TestCaseData(events, phase, actions).SetName(name);
}
