using System.Text.Json;
using Encoder.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Storage;

/// <summary>The drain's final pass finishes the replay just before <c>session.json</c>, which lists it; an MP4 storage did not take is left, pending, and the manifest goes up all the same.</summary>
public sealed class ReplayInTheDrainTests : UploaderFixture
{
    private const string Mp4Key = "class-9/replay/recording.mp4";

    private sealed class Finisher(Func<ReplayOutcome> outcome, Action? onFinish = null) : IReplayFinisher
    {
        public Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
        {
            onFinish?.Invoke();
            return Task.FromResult(outcome());
        }

        public string? ContinuedUpload => null;
    }

    private UploadPass PassWith(IRecordingStore store, IReplayFinisher replay)
    {
        var journal = Journal();
        journal.Open();
        return new UploadPass(Options, store, Reader(journal),
            new ObjectUploader(Options, store, journal, new Encoder.Recording.RecordingDisk(Layout, Segments), TimeProvider.System, NullLogger<ObjectUploader>.Instance),
            journal, Segments, TimeProvider.System, NullLogger<UploadPass>.Instance, replay);
    }

    private string StoredManifest() => File.ReadAllText(Path.Combine(Options.Storage.Directory, "class-9", "session.json"));

    [Test]
    public async Task The_MP4_is_finished_after_the_VOD_and_before_session_json_which_lists_it()
    {
        Record(segments: 2, ended: true);
        var store = new LocalFolderStore(Options.Storage.Directory);
        bool? manifestThere = null, vodThere = null;
        var pass = PassWith(store, new Finisher(
            () => new ReplayOutcome(new ReplayManifest(new ReplayObject(Mp4Key, 1234, "video/mp4", 12.0)), []),
            () => (manifestThere, vodThere) = (File.Exists(Path.Combine(Options.Storage.Directory, "class-9", "session.json")),
                File.Exists(Path.Combine(Options.Storage.Directory, "class-9", "index.m3u8")))));

        var result = await pass.RunAsync(final: true, CancellationToken.None);

        Assert.That(result.Stored, Is.True);
        Assert.That((vodThere, manifestThere), Is.EqualTo((true, false)));
        using var manifest = JsonDocument.Parse(StoredManifest());
        Assert.That(manifest.RootElement.GetProperty("replay").GetProperty("mp4").GetProperty("key").GetString(), Is.EqualTo(Mp4Key));
        Assert.That(manifest.RootElement.GetProperty("outcome").GetString(), Is.EqualTo(SessionOutcome.Complete));
    }

    [Test]
    public async Task An_MP4_storage_did_not_take_is_left_pending_and_session_json_still_goes_up_saying_why()
    {
        Record(segments: 2, ended: true);
        var store = new LocalFolderStore(Options.Storage.Directory);
        var pass = PassWith(store, new Finisher(() => new ReplayOutcome(new ReplayManifest(null, "not stored yet: S3 is away"), [Mp4Key])));

        var result = await pass.RunAsync(final: true, CancellationToken.None);

        Assert.That(result.Stored, Is.False);
        Assert.That(result.Left, Is.EqualTo(new[] { Mp4Key }));
        using var manifest = JsonDocument.Parse(StoredManifest());
        Assert.That(manifest.RootElement.GetProperty("replay").GetProperty("mp4Problem").GetString(), Is.EqualTo("not stored yet: S3 is away"));
        Assert.That(manifest.RootElement.GetProperty("replay").TryGetProperty("mp4", out _), Is.False, "no MP4 is listed");
    }

    [Test]
    public async Task A_replay_that_could_not_be_made_leaves_nothing_pending()
    {
        Record(segments: 2, ended: true);
        var store = new LocalFolderStore(Options.Storage.Directory);
        var pass = PassWith(store, new Finisher(() => ReplayOutcome.Missing("the camera's codec setup changed")));

        var result = await pass.RunAsync(final: true, CancellationToken.None);

        Assert.That(result.Stored, Is.True);
        using var manifest = JsonDocument.Parse(StoredManifest());
        Assert.That(manifest.RootElement.GetProperty("replay").GetProperty("mp4Problem").GetString(), Is.EqualTo("the camera's codec setup changed"));
    }
}
