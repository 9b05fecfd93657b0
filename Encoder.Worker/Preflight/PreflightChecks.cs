using System.Globalization;
using System.Text;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Launch;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Media;
using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Preflight;

/// <summary>What the pre-flight reaches: each side effect it checks, behind the seam the daemon itself uses.</summary>
/// <param name="Camera">The camera, sampled with FFmpeg where the recorder's FFmpeg runs.</param>
/// <param name="Ingest">The RTMP handshake and <c>connect</c> (never a publish).</param>
/// <param name="Store">The recording's store, as the uploader writes it.</param>
/// <param name="Metadata">IMDSv2.</param>
/// <param name="Dmi">The firmware's word on whether this is EC2 (an IMDS that stays silent off EC2 is not a failure).</param>
/// <param name="S3Date">S3's <c>Date</c> header at an endpoint (null: storage is a local folder, no clock to compare).</param>
/// <param name="FreeBytes">Free bytes on the recording disk.</param>
public sealed record PreflightSeams(
    CameraSampler Camera,
    RtmpProbe Ingest,
    IRecordingStore Store,
    IInstanceMetadata Metadata,
    DmiIdentity Dmi,
    Func<Uri, CancellationToken, Task<DateTimeOffset?>>? S3Date,
    Func<long> FreeBytes);

/// <summary>
/// The pre-flight: each check a small function, run at once (<see cref="RunAsync"/>), each within its own budget, all
/// within <see cref="Budget"/>. A check that throws or overruns fails with the reason (redacted); no check stops another.
/// The rows come back in a fixed order: secrets, instance, camera, audio, plan, each ingest, storage, clock, disk.
/// </summary>
public sealed class PreflightChecks(EncoderOptions options, SecretRedactor redactor, PreflightSeams seams, TimeProvider time)
{
    /// <summary>The whole pre-flight, SSM included (<c>encoder check</c> gives SSM up to <see cref="SecretsBudget"/> of it).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    /// <summary>How long <c>encoder check</c> waits for SSM before the other checks start.</summary>
    public static readonly TimeSpan SecretsBudget = TimeSpan.FromSeconds(4);

    /// <summary>One network check's budget (an ingest, storage, the clock, IMDS): the rest is the camera's.</summary>
    public static readonly TimeSpan NetworkBudget = TimeSpan.FromSeconds(5);

    public const string Secrets = "secrets";
    public const string Instance = "instance";
    public const string Storage = "storage";

    /// <summary>The key <see cref="StorageAsync"/> writes under the session's folder: the instance policy allows PutObject and GetObject there, and no DeleteObject anywhere.</summary>
    public const string ProbeName = "preflight-probe.json";

    /// <summary>Runs every check but <paramref name="secrets"/> (resolved before the options could be read) concurrently.</summary>
    /// <param name="spent">What the pre-flight already took (SSM): taken off <see cref="Budget"/>, so the whole stays within it.</param>
    public async Task<PreflightReport> RunAsync(CheckResult secrets, CancellationToken cancellationToken, TimeSpan spent = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var started = time.GetTimestamp();
        var at = time.GetUtcNow();
        var left = Budget - spent - TimeSpan.FromSeconds(1); // a second for the process to print and exit
        var cameraBudget = Min(left, seams.Camera.Deadline + TimeSpan.FromSeconds(1));
        var networkBudget = Min(left, NetworkBudget);
        var sample = Bounded(cameraBudget, seams.Camera.SampleAsync, why => ((CameraSample?)null, (string?)why), cancellationToken);
        var identity = Bounded(networkBudget, IdentityAsync, why => (CheckResult.Fail(Instance, why), (string?)null), cancellationToken);
        var ingests = Slots()
            .Select(slot => Bounded(networkBudget, token => IngestAsync(slot, token), why => CheckResult.Fail($"ingest {slot.Name}", why), cancellationToken))
            .ToList();
        var storage = Bounded(networkBudget, StorageAsync, why => CheckResult.Fail(Storage, why), cancellationToken);
        var clock = Bounded(networkBudget, ClockAsync, why => CheckResult.Fail(ClockSkew.Check, why), cancellationToken);
        var disk = Disk();

        var (cameraSample, cameraError) = await sample.ConfigureAwait(false);
        var (instance, instanceType) = await identity.ConfigureAwait(false);
        var plan = cameraSample?.Streams is { } streams ? MediaPlan.Decide(streams, options.Video.Mode) : null;
        List<CheckResult> rows =
        [
            secrets,
            instance,
            CameraVerdict.ForCamera(cameraSample, cameraError, options.Recording.SegmentSeconds, plan?.Video),
            CameraVerdict.ForAudio(cameraSample),
            PlanRow(plan, instanceType),
        ];
        foreach (var ingest in ingests)
            rows.Add(await ingest.ConfigureAwait(false));
        rows.Add(await storage.ConfigureAwait(false));
        rows.Add(await clock.ConfigureAwait(false));
        rows.Add(disk);
        return new PreflightReport(at, time.GetElapsedTime(started), rows);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private IEnumerable<IngestSlot> Slots() =>
        string.IsNullOrEmpty(options.Ingest.Secondary)
            ? [new IngestSlot(IngestSlot.PrimaryName, options.Ingest.Primary)]
            : [new IngestSlot(IngestSlot.PrimaryName, options.Ingest.Primary), new IngestSlot(IngestSlot.SecondaryName, options.Ingest.Secondary)];

    /// <summary>Runs one check within <paramref name="budget"/>; an overrun or an exception is the check's failure, never the pre-flight's.</summary>
    private async Task<T> Bounded<T>(TimeSpan budget, Func<CancellationToken, Task<T>> run, Func<string, T> failed, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(budget);
        try
        {
            return await run(bound.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a check's failure is its row, whatever it was
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            var why = ex is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {budget.TotalSeconds:0}s")
                : redactor.Redact(ex.Message);
            return failed(why);
        }
    }

    /// <summary>IMDSv2 names this instance (id, region, type). Off EC2 (silent, and the firmware does not say EC2) it does not apply.</summary>
    private async Task<(CheckResult Row, string? InstanceType)> IdentityAsync(CancellationToken cancellationToken)
    {
        var lookup = await seams.Metadata.GetIdentityAsync(cancellationToken).ConfigureAwait(false);
        if (lookup.Identity is not { } identity)
        {
            return lookup.Status == MetadataStatus.Unreachable && !seams.Dmi.MachineSaysEc2
                ? (CheckResult.Skip(Instance, $"not an EC2 instance (IMDS at {seams.Metadata.Endpoint} did not answer: {lookup.Detail})"), null)
                : (CheckResult.Fail(Instance, $"IMDSv2 at {seams.Metadata.Endpoint}: {lookup.Detail}"), null);
        }

        var type = await seams.Metadata.GetInstanceTypeAsync(cancellationToken).ConfigureAwait(false);
        return (CheckResult.Pass(Instance, $"{identity.InstanceId} in {identity.Region}{(type is null ? "" : $", {type}")} (IMDSv2)"), type);
    }

    private CheckResult PlanRow(MediaPlan? plan, string? instanceType)
    {
        if (plan is null || instanceType is null)
            return CameraVerdict.ForPlan(plan, instanceType, known: false, shortfall: null);
        var row = InstanceSizing.Find(instanceType);
        var length = ClassLength() ?? TimeSpan.FromHours(2);
        var mode = plan.Video == VideoPlan.Copy ? VideoMode.Copy : VideoMode.Transcode;
        var shortfall = row is null ? null : InstanceSizing.Shortfall(row, InstanceSizing.Need(mode, length, RootVolume.Mbps(options)));
        return CameraVerdict.ForPlan(plan, instanceType, row is not null, shortfall);
    }

    /// <summary>The handshake and <c>connect</c> to the slot's application; the row names its host and application, never its key.</summary>
    private async Task<CheckResult> IngestAsync(IngestSlot slot, CancellationToken cancellationToken)
    {
        var check = $"ingest {slot.Name}";
        var where = Uri.TryCreate(slot.Url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}/{RtmpConnect.Split(uri).App.Split('?')[0]}"
            : "the ingest";
        var refused = await seams.Ingest.ConnectAsync(slot.Url, cancellationToken).ConfigureAwait(false);
        return refused is null
            ? CheckResult.Pass(check, redactor.Redact($"{where}: handshake and connect accepted (nothing published)"))
            : CheckResult.Fail(check, redactor.Redact($"{where}: {refused}"));
    }

    /// <summary>
    /// Puts a small object under the session's own folder and reads it back, as the uploader writes: the instance policy
    /// allows s3:PutObject and s3:GetObject there but no s3:DeleteObject anywhere, so the probe (<see cref="ProbeName"/>)
    /// stays, overwritten by each check; a continued class ignores it (only segments, the playlist and session.json count).
    /// </summary>
    private async Task<CheckResult> StorageAsync(CancellationToken cancellationToken)
    {
        var key = StorageKeys.For(options.SessionId, ProbeName);
        var body = Encoding.UTF8.GetBytes($$"""{"writtenBy":"encoder check","at":"{{time.GetUtcNow():O}}"}""" + "\n");
        try
        {
            await seams.Store.PutBytesAsync(key, body, ObjectHeaders.Status, cancellationToken).ConfigureAwait(false);
            if (seams.Store is IStoreContents contents && await contents.ReadAsync(key, cancellationToken).ConfigureAwait(false) is null)
                return CheckResult.Fail(Storage, $"{seams.Store.Describe(key)} was written but does not read back");
        }
        catch (StorageUnavailableException ex)
        {
            return CheckResult.Fail(Storage, redactor.Redact(ex.Denied ? $"denied: {ex.Message}" : ex.Message));
        }

        return CheckResult.Pass(Storage, $"wrote and read back {seams.Store.Describe(key)}");
    }

    private async Task<CheckResult> ClockAsync(CancellationToken cancellationToken)
    {
        if (seams.S3Date is null || options.Storage.Kind != StorageKind.S3)
            return CheckResult.Skip(ClockSkew.Check, "storage is a local folder: no S3 clock to compare with");
        var endpoint = ClockSkew.Endpoint(options.Storage, null);
        var sent = time.GetUtcNow();
        var date = await seams.S3Date(endpoint, cancellationToken).ConfigureAwait(false);
        var received = time.GetUtcNow();
        return date is { } serverDate
            ? ClockSkew.Judge(ClockSkew.Skew(sent, received, serverDate), $"S3 ({endpoint.Host})")
            : CheckResult.Fail(ClockSkew.Check, $"S3 at {endpoint.Host} answered without a Date header");
    }

    private CheckResult Disk()
    {
        long free;
        try
        {
            free = seams.FreeBytes();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return CheckResult.Fail(DiskRoom.Check, redactor.Redact($"the recording disk cannot be read: {ex.Message}"));
        }

        var mbps = RootVolume.Mbps(options);
        return DiskRoom.Judge(free, ClassLength() is { } length ? RootVolume.RecordingBytes(length, mbps) : null, mbps, options.Storage.Kind);
    }

    /// <summary>From the class's start (or now, if later) to its end; null when no end is set.</summary>
    private TimeSpan? ClassLength()
    {
        var now = time.GetUtcNow();
        var start = options.Session.StartsAt is { } startsAt && startsAt > now ? startsAt : now;
        return SessionEnd.Compute(options.Session, now) is { } end ? end.At - start : null;
    }

    /// <summary>The free bytes of the disk that will hold <paramref name="directory"/> (its nearest existing folder: the session's may not exist yet).</summary>
    public static long FreeBytesAt(string directory)
    {
        var existing = Path.GetFullPath(directory);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
            existing = parent;
        return new DriveInfo(existing).AvailableFreeSpace;
    }

    /// <summary>S3's <c>Date</c>: an unsigned HEAD of the endpoint (any answer, even 403, carries it). No credentials are sent.</summary>
    public static async Task<DateTimeOffset?> S3DateAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Head, endpoint);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Headers.Date;
    }
}
