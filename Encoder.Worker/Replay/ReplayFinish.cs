using Encoder.Storage;

namespace Encoder.Replay;

/// <summary>
/// The replay as the drain finishes it (<see cref="IReplayFinisher"/>): the MP4 (<see cref="ReplayBuilder"/>) and the pictures
/// (<see cref="ReplayPictures"/>) at once, their manifests merged into <c>session.json</c>'s one <c>replay</c> and what neither
/// could store yet joined in the drain's pending set. Each is bounded on its own; neither waits for the other.
/// </summary>
public sealed class ReplayFinish(IReplayFinisher movie, IReplayFinisher pictures) : IReplayFinisher
{
    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        var mp4 = movie.FinishAsync(cancellationToken);
        var pics = pictures.FinishAsync(cancellationToken);
        await Task.WhenAll(mp4, pics).ConfigureAwait(false);
        return Merge(await mp4.ConfigureAwait(false), await pics.ConfigureAwait(false));
    }

    public string? ContinuedUpload => movie.ContinuedUpload ?? pictures.ContinuedUpload;

    /// <summary>The MP4's fields from <paramref name="mp4"/>, the poster's and the storyboard's from <paramref name="pictures"/>; both pending sets.</summary>
    public static ReplayOutcome Merge(ReplayOutcome mp4, ReplayOutcome pictures)
    {
        ArgumentNullException.ThrowIfNull(mp4);
        ArgumentNullException.ThrowIfNull(pictures);
        var p = pictures.Manifest;
        return new ReplayOutcome(
            mp4.Manifest with { Poster = p.Poster, PosterProblem = p.PosterProblem, Storyboard = p.Storyboard, StoryboardProblem = p.StoryboardProblem },
            [.. mp4.NotStored, .. pictures.NotStored]);
    }
}
