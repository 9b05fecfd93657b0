namespace Encoder.Replay;

/// <summary>A keyframe that could be the poster: when it plays on the VOD's timeline, and its luma spread (<see cref="KeyframeLook"/>).</summary>
public sealed record PosterCandidate(TimeSpan At, double Low, double High)
{
    public double Spread => High - Low;
}

/// <summary>
/// Which keyframe becomes the poster, and when it is chosen (pure). The rules:
/// <list type="number">
/// <item>A black keyframe (nine tenths of it at or below <see cref="BlackMaxLuma"/>, the content watch's black) is never better than one that is not.</item>
/// <item>The window is <see cref="At"/> (<c>Replay:PosterAtSeconds</c>) to <see cref="At"/> + <see cref="Window"/> of the VOD:
///   past the camera's waking up and the class's first minutes. A keyframe from <see cref="At"/> on beats one before it.</item>
/// <item>Among equals, the wider luma spread (<c>YHIGH − YLOW</c>, a cheap proxy for a lit, detailed picture) wins; at a tie, the earlier.</item>
/// <item>The best is chosen (and stored at once, so the CMS can show it while the class is live) as soon as the recording
///   has passed the window's end and the best is not black: a class black throughout the window takes the first keyframe
///   that is not. At the class's end the best so far is chosen, unless it is black: then there is no poster.</item>
/// </list>
/// </summary>
public sealed record PosterChoice(TimeSpan At, TimeSpan Window, double BlackMaxLuma)
{
    public bool IsBlack(PosterCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.High <= BlackMaxLuma;
    }

    /// <summary>True when <paramref name="candidate"/> beats <paramref name="best"/> (always, when there is no best yet).</summary>
    public bool Beats(PosterCandidate candidate, PosterCandidate? best)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (best is null)
            return true;
        if (IsBlack(candidate) != IsBlack(best))
            return !IsBlack(candidate);
        var inWindow = candidate.At >= At;
        if (inWindow != best.At >= At)
            return inWindow;
        return candidate.Spread > best.Spread;
    }

    /// <summary>Whether the best so far is to be chosen now that <paramref name="recorded"/> of the VOD is looked at (<paramref name="ended"/>: all of it).</summary>
    public bool Due(PosterCandidate? best, TimeSpan recorded, bool ended) =>
        best is not null && !IsBlack(best) && (ended || recorded >= At + Window);
}
