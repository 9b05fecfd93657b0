using Encoder.Configuration;

namespace Encoder.Lifecycle;

public sealed record SessionEnd(DateTimeOffset At, string Reason)
{
    /// <summary>
    /// The earlier of <c>Session:EndsAt</c> and start + <c>Session:MaxDuration</c>, where the start is
    /// <c>Session:StartsAt</c> or the daemon's start, whichever is later; null when neither end is set.
    /// </summary>
    public static SessionEnd? Compute(SessionOptions session, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        var start = session.StartsAt is { } startsAt && startsAt > startedAt ? startsAt : startedAt;
        var byDuration = session.MaxDuration is { } max ? new SessionEnd(start + max, $"Encoder:Session:MaxDuration {max}") : null;
        var byClock = session.EndsAt is { } endsAt ? new SessionEnd(endsAt, $"Encoder:Session:EndsAt {endsAt:O}") : null;
        return (byDuration, byClock) switch
        {
            ({ } d, { } c) => d.At <= c.At ? d : c,
            ({ } d, null) => d,
            (null, { } c) => c,
            _ => null,
        };
    }
}
