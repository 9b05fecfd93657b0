namespace Encoder.Replay;

/// <summary>
/// How the replay's media is cut into upload parts (pure). Part 1 is kept for the index (<see cref="MovieHeader"/>, sent at
/// the end); the media goes as parts 2, 3, … while the class runs, each exactly <c>partBytes</c> (at least S3's 5 MiB), from
/// what is gathered on disk; at the end what is left goes as the last part, of any size. With <c>partBytes</c> ≥ 8 MiB,
/// S3's 10,000 parts hold about 78 GiB: 36 hours at 6 Mbit/s.
/// </summary>
public static class ReplayParts
{
    public const int IndexPart = 1;
    public const int FirstMediaPart = 2;

    /// <summary>The size of the next media part to send from <paramref name="gathered"/> bytes; 0 when it is not time yet (or nothing is left).</summary>
    public static long NextPart(long gathered, long partBytes, bool final) =>
        gathered >= partBytes ? partBytes : final ? gathered : 0;

    /// <summary>Whether part <paramref name="number"/> fits in a multipart upload.</summary>
    public static bool Fits(int number) => number is >= IndexPart and <= Encoder.Storage.IPartStore.MaxParts;
}
