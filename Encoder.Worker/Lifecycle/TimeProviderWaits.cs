namespace Encoder.Lifecycle;

internal static class TimeProviderWaits
{
    /// <summary>Waits until <paramref name="instant"/> (at once if it has passed); false when stopped first.</summary>
    public static async Task<bool> WaitUntilAsync(this TimeProvider time, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var wait = instant - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
            return true;
        try
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
