namespace Encoder.Resilience;

/// <summary>
/// The delay before the next attempt after the Nth consecutive failure: doubling from the first delay, never above
/// the cap; for FFmpeg restarts with ±20 % jitter, so restarts of many encoders don't line up.
/// </summary>
public static class RestartBackoff
{
    public const double Jitter = 0.2;

    /// <summary>The plain schedule: <paramref name="first"/>, doubling per further failure, capped.</summary>
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan first, TimeSpan cap)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        return TimeSpan.FromSeconds(Math.Min(first.TotalSeconds * Math.Pow(2, exponent), cap.TotalSeconds));
    }

    /// <param name="jitterUnit">A uniform random number in [0, 1); 0.5 means no jitter.</param>
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan first, TimeSpan cap, double jitterUnit)
    {
        var seconds = Delay(consecutiveFailures, first, cap).TotalSeconds;
        var jittered = seconds * (1 - Jitter + (2 * Jitter * Math.Clamp(jitterUnit, 0, 1)));
        return TimeSpan.FromSeconds(Math.Min(jittered, cap.TotalSeconds));
    }
}
