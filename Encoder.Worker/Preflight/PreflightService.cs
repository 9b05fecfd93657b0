using System.Globalization;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Preflight;

/// <summary>
/// The daemon's own pre-flight: at its start, when the class starts later (<c>Session:StartsAt</c> at least
/// <see cref="MinimumLead"/> away), it runs the checks <c>encoder check</c> runs, with the daemon's own seams, and
/// publishes the outcome once (<see cref="PreflightCompleted"/>): status.json's and session.json's <c>preflight</c>, and
/// one log line (a warning when a check failed). The recorder waits for <c>StartsAt</c>, so the camera is asked by one
/// client at a time. Closer to the start, or after it, it does not run (the camera is the recorder's then; a restart
/// mid-class must not wait): it publishes <c>not-run</c> with the reason. It decides nothing: a failed check stops
/// nothing (each failure has its own handling when the class runs).
/// </summary>
public sealed partial class PreflightService(
    EncoderOptions options,
    SecretRedactor redactor,
    IMediaTools media,
    IRecordingStore store,
    IInstanceMetadata metadata,
    DmiIdentity dmi,
    ClassEvents events,
    TimeProvider time,
    ILogger<PreflightService> logger) : BackgroundService
{
    /// <summary>The pre-flight's budget and a margin: the sample of the camera ends well before the recorder asks for it.</summary>
    public static readonly TimeSpan MinimumLead = PreflightChecks.Budget + TimeSpan.FromSeconds(5);

    /// <summary>Why the daemon does not run the pre-flight now, or null when it does (pure).</summary>
    public static string? WhyNotNow(DateTimeOffset? startsAt, DateTimeOffset now, bool classEnded = false) =>
        classEnded ? "the class was ended (encoder end-class): nothing more is recorded"
        : startsAt is not { } start ? "no Session:StartsAt: the recorder starts at once and the camera is its"
        : start - now < MinimumLead ? string.Create(CultureInfo.InvariantCulture,
            $"the daemon started {(start - now).TotalSeconds:0} s before the class's start (less than {MinimumLead.TotalSeconds:0} s): the camera is the recorder's")
        : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (WhyNotNow(options.Session.StartsAt, time.GetUtcNow(), ClassEndMarkers.ClassEnded(new RecordingLayout(options))) is { } why)
        {
            events.Publish(new PreflightCompleted(time.GetUtcNow(), "not-run", 0, why, []));
            return;
        }

        var seams = new PreflightSeams(
            new CameraSampler(options, redactor, media),
            new RtmpProbe(PreflightChecks.NetworkBudget - TimeSpan.FromSeconds(1), options.Tls),
            store,
            metadata,
            dmi,
            PreflightChecks.S3DateAsync,
            () => PreflightChecks.FreeBytesAt(options.Recording.Directory));
        PreflightReport report;
        try
        {
            report = await new PreflightChecks(options, redactor, seams, time)
                .RunAsync(CheckResult.Pass(PreflightChecks.Secrets, "every SSM reference was resolved before the start (the daemon starts only then)"), stoppingToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        events.Publish(report.ToEvent());
        if (report.Passed)
            Log.Passed(logger, report.Took.TotalSeconds, report.Summary);
        else
            Log.Failed(logger, report.Took.TotalSeconds, report.Summary);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, EventName = "PreflightPassed", Level = LogLevel.Information, Message = "Pre-flight passed in {Seconds:0.0}s: {Summary}")]
        public static partial void Passed(ILogger logger, double seconds, string summary);

        [LoggerMessage(EventId = 901, EventName = "PreflightFailed", Level = LogLevel.Warning, Message = "Pre-flight failed in {Seconds:0.0}s: {Summary}")]
        public static partial void Failed(ILogger logger, double seconds, string summary);
    }
}
