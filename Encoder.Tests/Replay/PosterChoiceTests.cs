using Encoder.Replay;

namespace Encoder.Tests.Replay;

/// <summary>Which keyframe becomes the poster, and when it is chosen: the window from PosterAt, black never beating a picture, the widest luma spread.</summary>
public sealed class PosterChoiceTests
{
    // The window: 180 s to 210 s of the VOD; black at or below 32 (the content watch's default).
    private static readonly PosterChoice Choice = new(TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(30), 32);

    private static PosterCandidate At(double seconds, double low, double high) => new(TimeSpan.FromSeconds(seconds), low, high);

    [TestCase(5, 40, 200, 190, 16, 30, false, TestName = "A black keyframe in the window never beats a picture before it")]
    [TestCase(190, 16, 20, 5, 40, 200, true, TestName = "A picture before the window beats a black one in it")]
    [TestCase(170, 20, 230, 185, 100, 140, true, TestName = "In the window beats before it, whatever its spread")]
    [TestCase(185, 100, 140, 195, 30, 220, true, TestName = "In the window, the wider luma spread wins")]
    [TestCase(185, 30, 220, 195, 100, 140, false, TestName = "In the window, a narrower spread does not")]
    [TestCase(185, 30, 220, 195, 30, 220, false, TestName = "A tie keeps the earlier")]
    [TestCase(10, 100, 140, 60, 30, 220, true, TestName = "Before the window (a short class), the wider spread wins too")]
    public void A_candidate_beats_the_best_so_far_by_black_then_window_then_spread(
        double bestAt, double bestLow, double bestHigh, double at, double low, double high, bool beats)
    {
        Assert.That(Choice.Beats(At(at, low, high), At(bestAt, bestLow, bestHigh)), Is.EqualTo(beats));
    }

    [Test]
    public void The_first_keyframe_is_the_best_so_far_even_black() =>
        Assert.That(Choice.Beats(At(0, 16, 16), null), Is.True);

    [TestCase(null, 300.0, false, false, TestName = "Nothing to choose from: never due")]
    [TestCase(190.0, 200.0, false, false, TestName = "Inside the window: it waits for the rest of the window")]
    [TestCase(190.0, 210.0, false, true, TestName = "The recording passed the window's end: chosen, during the class")]
    [TestCase(30.0, 60.0, true, true, TestName = "The class ended before the window: the best of what it has")]
    [TestCase(30.0, 60.0, false, false, TestName = "Before the window while the class runs: it waits")]
    [TestCase(400.0, 402.0, false, true, TestName = "Black throughout the window: the first picture after it is chosen at once")]
    public void The_best_is_chosen_once_the_recording_passes_the_window_or_the_class_ends(double? bestAt, double recorded, bool ended, bool due)
    {
        var best = bestAt is { } t ? At(t, 40, 200) : null;
        Assert.That(Choice.Due(best, TimeSpan.FromSeconds(recorded), ended), Is.EqualTo(due));
    }

    [TestCase(false, TestName = "While the class runs")]
    [TestCase(true, TestName = "At the class's end")]
    public void A_black_best_is_never_chosen(bool ended)
    {
        Assert.That(Choice.Due(At(190, 16, 30), TimeSpan.FromSeconds(600), ended), Is.False);
        Assert.That(Choice.IsBlack(At(190, 16, 32)), Is.True, "at the threshold is black");
        Assert.That(Choice.IsBlack(At(190, 16, 33)), Is.False);
    }

    [Test]
    public void A_picture_black_throughout_the_window_gets_the_first_keyframe_that_is_not()
    {
        PosterCandidate? best = null;
        var chosenAt = (double?)null;
        // Keyframes every 2 s; black for the first 250 s, past the whole window (the camera woke up late), then a picture.
        for (var t = 0.0; t < 400 && chosenAt is null; t += 2)
        {
            var candidate = t < 250 ? At(t, 16, 16) : At(t, 40, 200);
            if (Choice.Beats(candidate, best))
                best = candidate;
            if (Choice.Due(best, TimeSpan.FromSeconds(t + 2), ended: false))
                chosenAt = t;
        }

        Assert.That(best!.At, Is.EqualTo(TimeSpan.FromSeconds(250)));
        Assert.That(chosenAt, Is.EqualTo(250), "chosen as soon as it was seen");
    }
}
