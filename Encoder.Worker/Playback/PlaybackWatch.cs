using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Logging;
using Microsoft.Extensions.Hosting;
using static Encoder.Playback.PlaybackVerdict;

namespace Encoder.Playback;

/// <summary>
/// Watches what viewers get while the class is on air: from the class's start (when the recorder begins, as the
/// ingests do) until the daemon is asked to stop, it looks at <c>Encoder:Playback:LiveUrl</c> every
/// <c>CheckIntervalSeconds</c> (<see cref="PlaybackProbe"/>), has <see cref="PlaybackJudge"/> judge it and publishes
/// what it found once (<c>Events/PlaybackEvents.cs</c>): the status, the metrics and <see cref="PlaybackLog"/> subscribe.
/// It is a report, not a control: it holds nothing that could fail over, restart or stop anything.
/// </summary>
public sealed class PlaybackWatch(
    EncoderOptions options,
    PlaybackProbe probe,
    RecorderHealth recorder,
    ClassEvents events,
    SecretRedactor redactor,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : BackgroundService
{
    private readonly Lock _publishing = new();
    private bool _ended;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await recorder.Begun.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before the class began
        }

        var playback = options.Playback;
        var judge = new PlaybackJudge(TimeSpan.FromSeconds(playback.StaleSeconds), TimeSpan.FromSeconds(playback.StartGraceSeconds));
        var state = PlaybackJudge.Initial(time.GetUtcNow());
        events.Publish(new PlaybackWatchBegan(state.WatchingSince));
        // Ended at the stop request itself, on its thread: before any service stops (the status writer's last write
        // says so), and no look still in flight is reported after it.
        await using var onStop = stop.Token.Register(End).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(playback.CheckIntervalSeconds), time);
        try
        {
            do
            {
                var look = await probe.LookAsync(stop.Token).ConfigureAwait(false);
                var now = time.GetUtcNow();
                (state, var verdicts) = judge.Decide(state, look, now);
                Publish(look, verdicts, now);
            }
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        End(); // also here: a wait cancelled by the stop may resume inline and leave before the callback ran
    }

    private void End()
    {
        lock (_publishing)
        {
            if (_ended)
                return;
            _ended = true;
            events.Publish(new PlaybackWatchEnded(time.GetUtcNow()));
        }
    }

    private void Publish(PlaybackLook look, IReadOnlyList<PlaybackVerdict> verdicts, DateTimeOffset now)
    {
        var (sequence, problem) = look switch
        {
            PlaybackLook.Playlist p => ((long?)p.MediaSequence, p.SegmentProblem is { } s ? $"newest segment: {s}" : null),
            PlaybackLook.Unreachable u => (null, u.Problem),
            _ => (null, null),
        };
        lock (_publishing)
        {
            if (_ended)
                return;
            Publish(new PlaybackChecked(now, sequence, verdicts.Any(v => v is Advanced), problem is null ? null : redactor.Redact(problem)), verdicts, now);
        }
    }

    private void Publish(PlaybackChecked checkedNow, IReadOnlyList<PlaybackVerdict> verdicts, DateTimeOffset now)
    {
        events.Publish(checkedNow);
        foreach (var verdict in verdicts)
        {
            switch (verdict)
            {
                case Live live:
                    events.Publish(new PlaybackLive(now, live.After));
                    break;
                case WentStale stale:
                    events.Publish(new PlaybackStale(now, stale.Since, redactor.Redact(stale.Why)));
                    break;
                case Recovered recovered:
                    events.Publish(new PlaybackRecovered(now, recovered.StaleFor));
                    break;
            }
        }
    }
}
