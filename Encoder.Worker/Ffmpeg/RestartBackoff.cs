namespace Encoder.Ffmpeg;

/// <summary>
/// The delay before the next attempt after the Nth consecutive failure: doubling from the first delay, ±20 % jitter
/// (so restarts of many encoders don't line up), never above the cap.
/// </summary>
public static class RestartBackoff
{
    public const double Jitter = 0.2;

    /// <param name="jitterUnit">A uniform random number in [0, 1); 0.5 means no jitter.</param>
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan first, TimeSpan cap, double jitterUnit)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var seconds = Math.Min(first.TotalSeconds * Math.Pow(2, exponent), cap.TotalSeconds);
        var jittered = seconds * (1 - Jitter + (2 * Jitter * Math.Clamp(jitterUnit, 0, 1)));
        return TimeSpan.FromSeconds(Math.Min(jittered, cap.TotalSeconds));
    }
}
