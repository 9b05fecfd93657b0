using Encoder.Replay;
using Encoder.Storage;

namespace Encoder.Tests.Replay;

/// <summary>The drain's one replay finisher: the MP4 and the pictures at once, one manifest, both pending sets.</summary>
public sealed class ReplayFinishTests
{
    private sealed class Finisher(ReplayOutcome outcome, TaskCompletionSource? started = null, Task? release = null) : IReplayFinisher
    {
        public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
        {
            started?.SetResult();
            if (release is not null)
                await release;
            return outcome;
        }

        public string? ContinuedUpload => null;
    }

    private static readonly ReplayOutcome Mp4 = new(new ReplayManifest(new ReplayObject("r/c/replay/recording.mp4", 10, "video/mp4", 12)), []);

    [Test]
    public void The_merged_manifest_takes_the_MP4_from_the_builder_and_the_pictures_from_theirs()
    {
        var poster = new ReplayPoster("r/c/replay/poster.jpg", 5, "image/jpeg", 640, 360);
        var pictures = new ReplayOutcome(new ReplayManifest(null, "ignored", Poster: poster, StoryboardProblem: "not stored yet: S3 is away"),
            ["c/replay/sprite-0.jpg", "c/replay/storyboard.vtt"]);

        var merged = ReplayFinish.Merge(Mp4, pictures);

        Assert.That(merged.Manifest, Is.EqualTo(Mp4.Manifest with { Poster = poster, StoryboardProblem = "not stored yet: S3 is away" }));
        Assert.That(merged.NotStored, Is.EqualTo(new[] { "c/replay/sprite-0.jpg", "c/replay/storyboard.vtt" }));
    }

    [Test]
    public void Both_pending_sets_join()
    {
        var merged = ReplayFinish.Merge(new ReplayOutcome(new ReplayManifest(null, "not stored yet"), ["c/replay/recording.mp4"]),
            new ReplayOutcome(new ReplayManifest(null), ["c/replay/poster.jpg"]));

        Assert.That(merged.NotStored, Is.EqualTo(new[] { "c/replay/recording.mp4", "c/replay/poster.jpg" }));
        Assert.That(merged.Manifest.Mp4Problem, Is.EqualTo("not stored yet"));
    }

    [Test]
    public async Task The_pictures_finish_while_the_MP4_does_not_wait_for_them()
    {
        var picturesStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mp4Release = new TaskCompletionSource();
        var finish = new ReplayFinish(new Finisher(Mp4, release: mp4Release.Task),
            new Finisher(new ReplayOutcome(new ReplayManifest(null), []), picturesStarted));

        var finishing = finish.FinishAsync(CancellationToken.None);

        Assert.That(picturesStarted.Task.IsCompleted, Is.True, "the pictures began while the MP4 was still finishing");
        mp4Release.SetResult();
        Assert.That((await finishing).Manifest.Mp4, Is.EqualTo(Mp4.Manifest.Mp4));
    }
}
