using System.Text.Json;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Status;

/// <summary>status.json is written every second, and at once when a state changes: a reader sees a camera back or a failover when it happens.</summary>
public sealed class StatusWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_change_of_state_completes_the_wait_and_progress_in_the_same_state_does_not()
    {
        var time = new FakeTimeProvider(T0);
        var recorder = new RecorderHealth(time);
        var status = new EncoderStatus(time, recorder: recorder);

        var first = status.NextChange;
        recorder.RunStarting();
        var second = status.NextChange;
        RecorderProgress(recorder, status, Progress(frame: 0)); // still connecting
        var stillSecond = second.IsCompleted;
        RecorderProgress(recorder, status, Progress(frame: 30)); // streaming
        var third = status.NextChange;
        RecorderProgress(recorder, status, Progress(frame: 60));
        status.Hear(new IngestActivated(T0, IngestSlot.PrimaryName, Secondary: false, Failover: false, Return: false));

        Assert.That((first.IsCompleted, stillSecond, second.IsCompleted, third.IsCompleted), Is.EqualTo((true, false, true, true)));
        Assert.That(status.NextChange.IsCompleted, Is.False);
    }

    [Test]
    public async Task Writes_a_change_of_state_at_once_without_waiting_for_the_next_second()
    {
        var work = Directory.CreateTempSubdirectory("encoder-status-");
        try
        {
            var options = new EncoderOptions
            {
                SessionId = "yoga",
                Recording = new RecordingOptions { Directory = Path.Combine(work.FullName, "rec") },
                Status = new StatusOptions { Path = Path.Combine(work.FullName, "status.json") },
            };
            var layout = new RecordingLayout(options);
            var time = new FakeTimeProvider(T0);
            var recorder = new RecorderHealth(time);
            var status = new EncoderStatus(time, recorder: recorder);
            using var writer = new StatusWriter(options, layout, status, time, NullLogger<StatusWriter>.Instance);
            await writer.StartAsync(CancellationToken.None);
            await Poll.UntilAsync(() => RecorderState(layout.StatusPath) == "idle", TimeSpan.FromSeconds(10), "the first write");

            recorder.RunStarting();
            await Poll.UntilAsync(() => RecorderState(layout.StatusPath) == "connecting", TimeSpan.FromSeconds(10), "the change written with the clock stopped");
            RecorderProgress(recorder, status, Progress(frame: 30));
            await Poll.UntilAsync(() => RecorderState(layout.StatusPath) == "streaming", TimeSpan.FromSeconds(10), "the next change too");

            time.Advance(TimeSpan.FromSeconds(1)); // the ticks go on as before
            await Poll.UntilAsync(() => UpdatedAt(layout.StatusPath) == T0.AddSeconds(1), TimeSpan.FromSeconds(10), "the next tick's write");
            await writer.StopAsync(CancellationToken.None);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static FfmpegProgress Progress(long frame) => new(frame, TimeSpan.FromSeconds(frame / 30.0), 1.0, IsEnd: false);

    private static string? RecorderState(string path) => Read(path)?.GetProperty("recorder").GetProperty("state").GetString();

    private static DateTimeOffset? UpdatedAt(string path) => Read(path)?.GetProperty("at").GetDateTimeOffset();

    private static JsonElement? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A recorder's progress as the recorder tells it: to its health (the state) and the status (the figures).</summary>
    private static void RecorderProgress(RecorderHealth recorder, EncoderStatus status, FfmpegProgress progress)
    {
        recorder.Progress(progress);
        status.Hear(new RecorderProgressed(T0, progress.Frame, null, progress.OutTime, progress.Speed, null, null));
    }

    [Test]
    public void A_stored_poster_shows_in_the_status_at_once_with_its_key_and_size()
    {
        var time = new FakeTimeProvider(T0);
        var status = new EncoderStatus(time, recorder: new RecorderHealth(time));
        Assert.That(status.Snapshot("class-9").Replay, Is.Null, "no replay object yet");
        var wait = status.NextChange;

        status.Hear(new ReplayPosterStored(T0.AddMinutes(3), "recordings/class-9/replay/poster.jpg", 1920, 1080, 250_000, 182.0));

        Assert.That(wait.IsCompleted, Is.True, "written at once");
        Assert.That(status.Snapshot("class-9").Replay,
            Is.EqualTo(new ReplaySnapshot(new ReplayPosterSnapshot("recordings/class-9/replay/poster.jpg", 1920, 1080, T0.AddMinutes(3)))));
    }
}
