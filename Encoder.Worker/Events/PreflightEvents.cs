namespace Encoder.Events;

// The pre-flight's event: published once by Preflight/PreflightService when the daemon checked the class before its start.

/// <summary>One check of the pre-flight: its name (<c>camera</c>, <c>ingest primary</c> …), <c>pass</c>/<c>warn</c>/<c>fail</c>/<c>skip</c>, and what it found (redacted).</summary>
public sealed record PreflightCheckOutcome(string Check, string Status, string Detail);

/// <summary>
/// The pre-flight ran (<see cref="Verdict"/> <c>pass</c> or <c>fail</c>), or was not run (<c>not-run</c>: the daemon
/// started too close to the class's start to ask the camera before the recorder does); <see cref="Summary"/> is one
/// line for a person ("camera sends hevc: will transcode; ingest secondary unreachable").
/// </summary>
public sealed record PreflightCompleted(DateTimeOffset At, string Verdict, double Seconds, string Summary, IReadOnlyList<PreflightCheckOutcome> Checks)
    : ClassEvent(At);
