using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// Never destroys an un-uploaded recording silently: when <see cref="ClassEnd"/>'s plan keeps the recording (the class
/// is over and the drain left uploads behind), it keeps the data past the instance and raises the alarm off the
/// instance; <see cref="ClassEndStep"/> calls it first, before anything is done to the instance. Each step is best
/// effort and independent of the others, most important first:
/// <list type="number">
/// <item>the root volume is kept at termination (ModifyInstanceAttribute, <c>DeleteOnTermination=false</c>); the
/// launcher tagged it <c>encoder:session-id</c>, so it can be found and cleaned up;</item>
/// <item>the instance is tagged <c>encoder:uploads-pending=N</c> (<c>unknown</c> when the drain did not finish);</item>
/// <item>the recording folder is copied to the root volume when it is on the instance store (<see cref="IRootVolumeCopy"/>);</item>
/// <item>a marker object <c>{SessionId}/ALERT-uploads-pending.json</c> is put in storage, if storage answers.</item>
/// </list>
/// A local marker (<see cref="MarkerFileName"/>) remembers it (<see cref="KeptBefore"/>); a later run that stores
/// everything releases the volume again (<see cref="KeepVerdict.Release"/>) before the instance is terminated.
/// </summary>
public sealed class PendingUploadsKeeper(
    EncoderOptions options,
    UploadDrainReport drain,
    RecordingLayout layout,
    InstanceLookup lookup,
    IInstanceKeeper keeper,
    IRecordingStore store,
    IRootVolumeCopy copy,
    TimeProvider time,
    ILogger<PendingUploadsKeeper> logger)
{
    public const string MarkerFileName = "uploads-kept.json";
    public const string AlertObjectName = "ALERT-uploads-pending.json";
    public const string PendingTag = "encoder:uploads-pending";

    /// <summary>The root device when the metadata service does not name it: Debian's, which the launcher sizes.</summary>
    public const string DefaultRootDevice = "/dev/xvda";

    /// <summary>The release's bound: two EC2 calls, before the termination step's own budget.</summary>
    public static readonly TimeSpan ReleaseBudget = TimeSpan.FromSeconds(10);

    private string MarkerPath => Path.Combine(layout.SessionDirectory, MarkerFileName);

    /// <summary>An earlier run kept this recording past its instance, and nothing has released it since.</summary>
    public bool KeptBefore => File.Exists(MarkerPath);

    /// <summary>Keeps the recording past the instance and raises the alarm, within <paramref name="slice"/> (the token enforces it).</summary>
    public async Task KeepAsync(TimeSpan slice, CancellationToken token)
    {
        var started = time.GetTimestamp();
        var pending = drain.Completed ? drain.Pending.Count.ToString(CultureInfo.InvariantCulture) : "unknown";
        var alert = new PendingUploadsAlert(options.SessionId, drain.Pending.Count, drain.Completed, drain.Pending, time.GetUtcNow());

        var identity = await Attempt("find the instance", ct => lookup.FindAsync(LookupShare(slice), ct), token).ConfigureAwait(false);
        var instance = identity?.Last.Identity;
        if (instance is not null)
        {
            alert = alert with { InstanceId = instance.InstanceId, Region = instance.Region };
            var device = await lookup.GetRootDeviceAsync(token).ConfigureAwait(false) ?? DefaultRootDevice;
            if (await Done("keep the root volume", ct => keeper.SetDeleteOnTerminationAsync(instance, device, false, ct), token).ConfigureAwait(false))
                alert = alert with { KeptVolume = device };
            if (await Done("tag the instance", ct => keeper.TagAsync(instance, PendingTag, pending, ct), token).ConfigureAwait(false))
                alert = alert with { Tagged = $"{PendingTag}={pending}" };
        }
        else
        {
            logger.LogWarning("Not an EC2 instance (or its metadata service did not answer): the recording stays in {Directory}", layout.SessionDirectory);
        }

        var copied = await Attempt("copy the recording to the root volume", ct => copy.CopyAsync(ct), token).ConfigureAwait(false);
        if (copied is { Destination: { } destination })
        {
            alert = alert with { CopiedTo = destination, NotCopied = copied.NotCopied };
            if (copied.NotCopied.Count > 0)
                logger.LogCritical("ALERT: {Count} files of the recording did not fit or could not be copied to the root volume and are lost with the instance store: {Files}",
                    copied.NotCopied.Count, copied.NotCopied);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(alert, KeptJson.Default.PendingUploadsAlert);
        await Done("write the local marker", async ct => await File.WriteAllBytesAsync(MarkerPath, json, ct).ConfigureAwait(false), token).ConfigureAwait(false);
        var alerted = await Done("put the alert in storage",
            ct => store.PutBytesAsync(StorageKeys.For(options.SessionId, AlertObjectName), json, ObjectHeaders.Manifest, ct), token).ConfigureAwait(false);

        logger.LogCritical(
            "ALERT: the class is over and {Pending} uploads are only on this machine; kept: root volume {Volume} (kept at termination: {Kept}), copied to {CopiedTo}, instance tag {Tag}, alert object {Alert}. " +
            "Retry with 'sudo systemctl start encoder' (a late restart stores what is left, releases the volume and terminates); " +
            "after the hard stop, find the volume by its tag encoder:session-id={SessionId}. Took {Seconds:0.00}s",
            pending, alert.KeptVolume ?? "(none)", alert.KeptVolume is not null, alert.CopiedTo ?? "(the recording is on the root volume)",
            alert.Tagged ?? "(not set)", alerted ? store.Describe(StorageKeys.For(options.SessionId, AlertObjectName)) : "(not stored)",
            options.SessionId, time.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Lets the root volume go with the instance again and marks the alert resolved, within <paramref name="slice"/> (the token enforces it).</summary>
    public async Task ReleaseAsync(TimeSpan slice, CancellationToken token)
    {
        var identity = await Attempt("find the instance", ct => lookup.FindAsync(LookupShare(slice), ct), token).ConfigureAwait(false);
        if (identity?.Last.Identity is not { } instance)
            return;
        var device = await lookup.GetRootDeviceAsync(token).ConfigureAwait(false) ?? DefaultRootDevice;
        var released = await Done("release the root volume", ct => keeper.SetDeleteOnTerminationAsync(instance, device, true, ct), token).ConfigureAwait(false);
        await Done("clear the instance tag", ct => keeper.TagAsync(instance, PendingTag, "0", ct), token).ConfigureAwait(false);
        var resolved = new PendingUploadsAlert(options.SessionId, 0, true, [], time.GetUtcNow()) { InstanceId = instance.InstanceId, Region = instance.Region, Resolved = true };
        await Done("mark the alert resolved", ct => store.PutBytesAsync(StorageKeys.For(options.SessionId, AlertObjectName),
            JsonSerializer.SerializeToUtf8Bytes(resolved, KeptJson.Default.PendingUploadsAlert), ObjectHeaders.Manifest, ct), token).ConfigureAwait(false);
        if (released)
        {
            File.Delete(MarkerPath);
            logger.LogInformation("Everything is stored now: root volume {Device} of instance {InstanceId} goes with the instance again", device, instance.InstanceId);
        }
    }

    /// <summary>A metadata service that is slow to answer may be asked again for half the slice: the rest is for the steps that follow.</summary>
    private static TimeSpan LookupShare(TimeSpan slice) => slice / 2;

    private async Task<bool> Done(string what, Func<CancellationToken, Task> step, CancellationToken token) =>
        await Attempt(what, async ct =>
        {
            await step(ct).ConfigureAwait(false);
            return true;
        }, token).ConfigureAwait(false);

    /// <summary>One step; a failure is logged and the next step still runs.</summary>
    private async Task<T?> Attempt<T>(string what, Func<CancellationToken, Task<T>> step, CancellationToken token)
    {
        try
        {
            return await step(token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // every step is best effort: say what failed and go on to the next
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError("Could not {Step}: {Reason}", what, token.IsCancellationRequested ? "out of time" : Ec2Retry.Describe(ex));
            return default;
        }
    }
}

/// <summary>What the alert object and the local marker say: enough to find and recover what was kept.</summary>
public sealed record PendingUploadsAlert(string SessionId, int PendingCount, bool DrainCompleted, IReadOnlyList<string> Pending, DateTimeOffset At)
{
    public string? InstanceId { get; init; }

    public string? Region { get; init; }

    /// <summary>The root device kept at termination (its volume is tagged <c>encoder:session-id</c> by the launcher).</summary>
    public string? KeptVolume { get; init; }

    public string? Tagged { get; init; }

    /// <summary>Where on the root volume the recording was copied, when it was on the instance store.</summary>
    public string? CopiedTo { get; init; }

    public IReadOnlyList<string>? NotCopied { get; init; }

    /// <summary>True once a later run stored everything and released the volume.</summary>
    public bool Resolved { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PendingUploadsAlert))]
internal sealed partial class KeptJson : JsonSerializerContext;
