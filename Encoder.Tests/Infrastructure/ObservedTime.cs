using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose timers a test can read (every <c>Task.Delay</c>, <c>PeriodicTimer</c> and
/// timed <c>CancellationTokenSource</c> on it is one): when the next is due, and how often one was armed. So "nothing
/// before T" is asserted on what the code under test scheduled (<see cref="NextDue"/>), and "it looked at the new time
/// and waits again" is awaited (<see cref="UntilArmedSinceAsync"/>), instead of sleeping a few real milliseconds and
/// seeing nothing happen (which passes when the code is merely slow).
/// </summary>
internal sealed class ObservedTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Watched> _timers = [];
    private int _armings;

    /// <summary>How many times a timer was armed (created, or changed, with a finite due time).</summary>
    public int Armings => Volatile.Read(ref _armings);

    /// <summary>When each armed timer fires next, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> Due
    {
        get
        {
            lock (_gate)
                return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value).Order()];
        }
    }

    /// <summary>When the earliest armed timer fires; null when none is armed.</summary>
    public DateTimeOffset? NextDue => Due is [var first, ..] ? first : null;

    /// <summary>Waits until a timer was armed after <paramref name="armings"/> (an earlier <see cref="Armings"/>), or <paramref name="orElse"/> holds.</summary>
    public Task UntilArmedSinceAsync(int armings, string what, Func<bool>? orElse = null) =>
        Poll.UntilAsync(() => Armings > armings || orElse?.Invoke() == true, TimeSpan.FromSeconds(10), what);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var watched = new Watched(this);
        watched.Arm(dueTime, period);
        lock (_gate)
            _timers.Add(watched);
        watched.Inner = base.CreateTimer(s =>
        {
            watched.Fired();
            callback(s);
        }, state, dueTime, period);
        return watched;
    }

    private sealed class Watched(ObservedTime time) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? Due { get; private set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (time._gate)
            {
                _period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : time.GetUtcNow() + dueTime;
            }

            if (dueTime != Timeout.InfiniteTimeSpan)
                Interlocked.Increment(ref time._armings);
        }

        public void Fired()
        {
            lock (time._gate)
                Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (time._gate)
                time._timers.Remove(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
