
namespace Encoder.Resilience;

/// <summary>
/// Waits between upload attempts: 0.5 s doubling to a 15 s cap (the plain <see cref="RestartBackoff"/> schedule). Used
/// for the quick retries of one request (through Polly) and for the pauses between whole upload passes while storage is down.
/// </summary>
public static class UploadBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(15);

    /// <summary>The delay after the <paramref name="failures"/>th consecutive failure (1 = the first).</summary>
    public static TimeSpan Delay(int failures) => RestartBackoff.Delay(failures, First, Cap);
}
