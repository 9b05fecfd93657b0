using System.Globalization;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Ffmpeg;
using Encoder.Logging;
using Encoder.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Encoder.Preflight;

/// <summary>
/// <c>encoder check</c>: the pre-flight run on its own, for an operator before the class (<c>sudo encoder check</c>) and
/// for a machine (<c>--json</c>). It reads the daemon's configuration (the caller has refused what is wrong before the
/// SSM references are resolved), resolves those references within <see cref="PreflightChecks.SecretsBudget"/> (a
/// reference that cannot be read is the <c>secrets</c> check's failure, and the checks that would need it do not run),
/// validates as the daemon does (exit 2, one line per problem), then runs <see cref="PreflightChecks"/> with the seams the
/// daemon would use: FFmpeg through the media runner as <c>encoder-media</c> where the daemon would, the class's
/// credentials for S3 and SSM, IMDSv2. It takes no session lock and writes nothing but the storage probe: it can run
/// beside the daemon.
/// </summary>
public static class CheckCommand
{
    /// <param name="configuration">The daemon's configuration, its SSM references unresolved.</param>
    public static async Task<int> RunAsync(
        IConfigurationManager configuration, bool json, TextWriter stdout, TextWriter stderr, TimeProvider time, Func<string, string?> environment,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var started = time.GetTimestamp();
        var secrets = await SecretResolution.ResolveAsync(configuration, SsmSecretParameters.Create,
            new SecretWaitPolicy(time, time.GetUtcNow() + PreflightChecks.SecretsBudget), cancellationToken).ConfigureAwait(false);
        var references = SecretResolution.ReferencedKeys(configuration);
        CheckResult secretsRow;
        if (!secrets.IsValid)
        {
            var redactor = new SecretRedactor(secrets.Values.Values);
            secretsRow = CheckResult.Fail(PreflightChecks.Secrets, redactor.Redact(string.Join("; ", secrets.Errors)));
            var skipped = new[] { PreflightChecks.Instance, "camera", "audio", "plan", "ingest", PreflightChecks.Storage, ClockSkew.Check, DiskRoom.Check }
                .Select(check => CheckResult.Skip(check, "not run: the configuration is incomplete without the secrets"));
            return await PrintAsync(new PreflightReport(time.GetUtcNow(), time.GetElapsedTime(started), [secretsRow, .. skipped]), json, stdout).ConfigureAwait(false);
        }

        configuration.AddInMemoryCollection(secrets.Values);
        var loaded = EncoderConfiguration.Load(configuration, time.GetUtcNow(), o => Directory.Exists(new Recording.RecordingLayout(o).SessionDirectory));
        var errors = loaded.IsValid ? EnvironmentChecks.Validate(loaded.Options) : loaded.Errors;
        if (errors.Count > 0)
        {
            foreach (var error in errors)
                await stderr.WriteLineAsync($"encoder: configuration error: {secrets.Explain(error)}").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        var options = loaded.Options;
        secretsRow = references.Count == 0
            ? CheckResult.Skip(PreflightChecks.Secrets, "no setting is an SSM reference")
            : CheckResult.Pass(PreflightChecks.Secrets, string.Create(CultureInfo.InvariantCulture,
                $"{references.Count} SSM reference(s) resolved: {string.Join(", ", secrets.ParameterOf.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} from {p.Value}"))}"));

        var placement = MediaPlacement.Choose(new ChildProcessThread(), NullLogger.Instance);
        using var metadata = new Imdsv2Client(Imdsv2Client.ResolveEndpoint(options.SelfTerminate.MetadataEndpoint, environment), Imdsv2Client.RequestTimeout);
        using var s3 = options.Storage.Kind == StorageKind.S3
            ? S3StoreFactory.Client(options.Storage, ClassCredentials.For(
                ClassRole.Of(options.Aws.ClassRoleArn, options.SessionId, options.Storage.Bucket, options.Storage.Prefix), options.Storage.Region))
            : null;
        try
        {
            var redactor = SecretRedactor.For(options);
            IRecordingStore store = s3 is null
                ? new LocalFolderStore(options.Storage.Directory)
                : new S3RecordingStore(s3, options.Storage.Bucket!, options.Storage.Prefix, ResiliencePipeline.Empty, NullLogger<S3RecordingStore>.Instance);
            var seams = new PreflightSeams(
                new CameraSampler(options, redactor, placement.Tools),
                new RtmpProbe(PreflightChecks.NetworkBudget - TimeSpan.FromSeconds(1), options.Tls),
                store,
                metadata,
                new DmiIdentity(DmiIdentity.DefaultRoot),
                PreflightChecks.S3DateAsync,
                () => PreflightChecks.FreeBytesAt(options.Recording.Directory));
            var checks = new PreflightChecks(options, redactor, seams, time);
            var report = await checks.RunAsync(secretsRow, cancellationToken, time.GetElapsedTime(started)).ConfigureAwait(false);
            return await PrintAsync(report with { Took = time.GetElapsedTime(started) }, json, stdout).ConfigureAwait(false);
        }
        finally
        {
            (placement.Tools as IDisposable)?.Dispose();
        }
    }

    private static async Task<int> PrintAsync(PreflightReport report, bool json, TextWriter stdout)
    {
        await stdout.WriteAsync(json ? report.ToJson() + "\n" : report.ToTable()).ConfigureAwait(false);
        return report.ExitCode;
    }
}
