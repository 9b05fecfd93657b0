using System.Diagnostics;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The one way tests wait: ask a question about state (status.json, objects in S3, a port, a process) until it says
/// yes, or fail naming what was awaited. Never a fixed sleep, never a log line's wording.
/// </summary>
internal static class Poll
{
    /// <summary>How often a question about local state (a file, a process, memory) is asked again.</summary>
    private static readonly TimeSpan LocalInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often a question that is a request (a listing from moto, a port) is asked again: each costs the server CPU,
    /// which end-to-end fixtures running side by side share (<see cref="OverlapsOtherWaitersAttribute"/>).
    /// </summary>
    private static readonly TimeSpan RequestInterval = TimeSpan.FromMilliseconds(200);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? context = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, context, LocalInterval);

    /// <param name="what">What is awaited, as the failure message says it ("the primary streams").</param>
    /// <param name="context">More to say when it times out (e.g. the end of the daemon's log).</param>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? context = null) =>
        UntilAsync(condition, timeout, what, context, RequestInterval);

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? context, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#}s waiting until {what}{(context is null ? "" : $"\n{context()}")}");
            await Task.Delay(interval);
        }
    }

    /// <summary>Waits until <paramref name="read"/> returns a value, and returns it.</summary>
    public static async Task<T> ForAsync<T>(Func<T?> read, TimeSpan timeout, string what)
        where T : class
    {
        T? value = null;
        await UntilAsync(() => (value = read()) is not null, timeout, what);
        return value!;
    }
}
