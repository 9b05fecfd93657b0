namespace Encoder.Ffmpeg;

/// <summary>The delay before restarting FFmpeg after its Nth consecutive failure: doubling from the first delay, capped.</summary>
public static class RestartBackoff
{
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan first, TimeSpan cap)
    {
        if (consecutiveFailures <= 1)
            return first < cap ? first : cap;
        var exponent = Math.Min(consecutiveFailures - 1, 30);
        var seconds = first.TotalSeconds * Math.Pow(2, exponent);
        return seconds >= cap.TotalSeconds ? cap : TimeSpan.FromSeconds(seconds);
    }
}
