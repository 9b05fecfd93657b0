using Encoder.Configuration;
using Encoder.Events;
using Encoder.Storage;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// The poster: each keyframe looked at is a candidate until <see cref="PosterChoice"/> chooses; the best so far waits as
/// <see cref="BestFileName"/> in the session folder; once chosen it is stored at once (<c>replay/poster.jpg</c>) and
/// <see cref="ReplayPosterStored"/> is published (status.json shows it while live). Each step is journaled
/// (<see cref="PicturesJournal"/>): a later run keeps the best so far and never stores a second poster.
/// </summary>
public sealed class PosterSide(EncoderOptions options, string folder, PicturesJournalFile journal, IRecordingStore store, ClassEvents events, TimeProvider time,
    ILogger logger)
{
    public const string BestFileName = "replay-poster.jpg";

    private readonly PosterChoice _choice = new(TimeSpan.FromSeconds(options.Replay.PosterAtSeconds), TimeSpan.FromSeconds(options.Replay.PosterWindowSeconds),
        options.Content.BlackMaxLuma);

    private PosterCandidate? _best;

    public bool Chosen { get; private set; }

    public ReplayPoster? Poster { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Keyframes are still wanted as candidates.</summary>
    public bool Wants => !Chosen && Problem is null;

    /// <summary>Chosen but not stored yet (nor given up).</summary>
    public bool Waiting => Chosen && Poster is null && Problem is null;

    public string Key => StorageKeys.For(options.SessionId, StorageKeys.ReplayPosterName);

    private string BestPath => Path.Combine(folder, BestFileName);

    /// <summary>Takes up where an earlier run left the poster; its best candidate counts only while its JPEG is still here.</summary>
    public void Resume(PicturesProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        (Chosen, Poster, Problem) = (progress.Chosen, progress.Poster, progress.PosterProblem);
        _best = progress.Best is not null && (Poster is not null || File.Exists(BestPath)) ? progress.Best : null;
        if (_best is null || Poster is not null)
            File.Delete(BestPath); // no candidate the journal counts, or one stored already
        if (Chosen && _best is null && Poster is null)
            GiveUp("the poster chosen by an earlier run is gone from this disk", chosenToo: true);
        if (Poster is { } poster)
            events.Publish(new ReplayPosterStored(time.GetUtcNow(), poster.Key, poster.Width, poster.Height, poster.Size, Math.Round(_best?.At.TotalSeconds ?? 0, 3)));
    }

    /// <summary>A segment's keyframes (<paramref name="start"/>: where it plays on the VOD): the best of them and the best so far stays.</summary>
    public void Consider(IReadOnlyList<KeyframeLook> looks, TimeSpan start)
    {
        ArgumentNullException.ThrowIfNull(looks);
        foreach (var look in looks)
        {
            var candidate = new PosterCandidate(start + look.At, look.Low, look.High);
            var file = Path.Combine(folder, KeyframePictures.CandidateFileName(look.Index));
            if (_choice.Beats(candidate, _best) && File.Exists(file))
            {
                File.Move(file, BestPath, overwrite: true);
                _best = candidate;
                journal.Append(new PicturesJournalLine { Candidate = candidate });
            }
        }

        foreach (var file in Directory.EnumerateFiles(folder, "replay-candidate-*.jpg"))
            File.Delete(file);
    }

    /// <summary>Chooses the best so far when it is due, <paramref name="recorded"/> of the VOD looked at (<paramref name="ended"/>: all of it).</summary>
    public void ChooseIfDue(TimeSpan recorded, bool ended)
    {
        if (!Wants || !_choice.Due(_best, recorded, ended))
            return;
        Chosen = true;
        journal.Append(new PicturesJournalLine { Chosen = true });
        logger.LogInformation("The replay's poster is the keyframe at {Seconds:0.0}s of the VOD (luma {Low:0}-{High:0})", _best!.At.TotalSeconds, _best.Low, _best.High);
    }

    /// <summary>At the class's end: the best so far, or why there is no poster.</summary>
    public void Finish(TimeSpan recorded)
    {
        ChooseIfDue(recorded, ended: true);
        if (Wants)
            GiveUp(_best is null ? "no keyframe was recorded" : "the picture was black at every keyframe looked at");
    }

    /// <summary>Stores the poster once chosen. Throws what storage threw.</summary>
    public async Task StoreAsync(CancellationToken cancellationToken)
    {
        if (!Waiting)
            return;
        var bytes = await File.ReadAllBytesAsync(BestPath, cancellationToken).ConfigureAwait(false);
        if (KeyframePictures.JpegSize(bytes) is not { } size)
        {
            GiveUp("FFmpeg's poster JPEG could not be read", chosenToo: true);
            return;
        }

        await store.PutBytesAsync(Key, bytes, ObjectHeaders.ReplayPoster, cancellationToken).ConfigureAwait(false);
        var key = StorageKeys.ObjectKey(options.Storage.Kind == StorageKind.S3 ? options.Storage.Prefix : null, Key);
        Poster = new ReplayPoster(key, bytes.Length, ObjectHeaders.ReplayPoster.ContentType, size.Width, size.Height);
        journal.Append(new PicturesJournalLine { Poster = Poster });
        logger.LogInformation("The replay's poster {Object} is stored: {Size}, {Bytes} bytes", store.Describe(Key), size, bytes.Length);
        events.Publish(new ReplayPosterStored(time.GetUtcNow(), Poster.Key, size.Width, size.Height, bytes.Length, Math.Round(_best!.At.TotalSeconds, 3)));
        File.Delete(BestPath);
    }

    /// <summary>No poster, for <paramref name="reason"/>; one chosen already keeps being stored unless <paramref name="chosenToo"/>.</summary>
    public void GiveUp(string reason, bool chosenToo = false)
    {
        if (Problem is not null || Poster is not null || (Chosen && !chosenToo))
            return;
        Problem = reason;
        journal.Append(new PicturesJournalLine { PosterProblem = reason });
        File.Delete(BestPath);
    }
}
