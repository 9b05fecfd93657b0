using Encoder.Events;

namespace Encoder.Storage;

/// <summary>session.json's <c>preflight</c>: the pre-flight the daemon ran before the class (<see cref="PreflightCompleted"/>).</summary>
public sealed record PreflightOutcome(DateTimeOffset At, string Verdict, double Seconds, string Summary, IReadOnlyList<PreflightCheckOutcome> Checks);

/// <summary>
/// Keeps this daemon's pre-flight for <c>session.json</c> (<see cref="SessionManifestSource"/>). A pre-flight that ran wins
/// over a later <c>not-run</c>; a daemon restarted mid-class did not run one and says why.
/// </summary>
public sealed class SessionPreflight : IClassEventSubscriber
{
    private volatile PreflightOutcome? _outcome;

    public PreflightOutcome? Outcome => _outcome;

    public void Hear(ClassEvent happened)
    {
        if (happened is PreflightCompleted preflight && (_outcome is null || preflight.Verdict != "not-run"))
            _outcome = new PreflightOutcome(preflight.At, preflight.Verdict, preflight.Seconds, preflight.Summary, preflight.Checks);
    }
}
