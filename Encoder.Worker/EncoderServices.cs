using Amazon.S3;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Content;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Media;
using Encoder.Metrics;
using Encoder.Playback;
using Encoder.Recorder;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Status;
using Encoder.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Encoder;

public static class EncoderServices
{
    /// <summary>
    /// Registers the lifecycle graph. The host starts hosted services in registration order and stops them in reverse:
    /// stop cause (records why the host stops) → metrics (when enabled) → configuration → disk guard → playlist watch → uploader → relay → ingest router → content watch → recorder → the class's end (which acts once all have stopped: keep, terminate, exit code) →
    /// session clock → status writer → status uploader (S3) → live status (systemd, terminal).
    /// </summary>
    public static IServiceCollection AddEncoder(this IServiceCollection services, EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(SecretRedactor.For(options));
        services.AddSingleton<RecordingLayout>();
        services.AddSingleton<SegmentLedger>();
        services.AddSingleton<IUploadFigures>(sp => sp.GetRequiredService<SegmentLedger>());
        services.AddSingleton<PlaylistReader>();
        services.AddSingleton<ChildProcessThread>();
        services.AddSingleton<DaemonExit>();
        services.AddSingleton<UploadDrainReport>();
        services.AddSingleton(sp => MediaPlacement.Choose(sp.GetRequiredService<ChildProcessThread>(), sp.GetRequiredService<ILogger<MediaPlacement>>()));
        services.AddSingleton(sp => sp.GetRequiredService<MediaPlacement>().Tools);
        services.AddSingleton<IFfmpegRunner, CliFfmpegRunner>();
        services.AddSingleton<FfmpegProcess>();
        services.AddSingleton<RecorderHealth>();
        services.AddMetrics();
        services.AddSingleton<EncoderMetrics>();
        services.AddSingleton<RelayCounters>();
        services.AddSingleton<EncoderStatus>();
        services.AddSingleton<SessionOutages>();
        // The class's events: published once where they happen, heard by the status, the metrics, the outages and each area's log.
        services.AddSingleton(sp => new ClassEvents(sp.GetServices<IClassEventSubscriber>));
        services.AddSingleton<IClassEventSubscriber>(sp => sp.GetRequiredService<EncoderStatus>());
        services.AddSingleton<IFailoverFigures>(sp => sp.GetRequiredService<EncoderStatus>());
        services.AddSingleton<IClassEventSubscriber>(sp => sp.GetRequiredService<EncoderMetrics>());
        services.AddSingleton<IClassEventSubscriber>(sp => sp.GetRequiredService<SessionOutages>());
        services.AddSingleton<SessionPreflight>();
        services.AddSingleton<IClassEventSubscriber>(sp => sp.GetRequiredService<SessionPreflight>());
        services.AddSingleton<IClassEventSubscriber, RecorderLog>();
        services.AddSingleton<IClassEventSubscriber, IngestLog>();
        services.AddSingleton<IClassEventSubscriber, StorageLog>();
        services.AddSingleton<IClassEventSubscriber, DiskLog>();
        services.AddSingleton<IngestPlan>();
        services.AddSingleton<MpegTsRelay>();
        services.TryAddSingleton<ICameraProbe, FfprobeCamera>();
        services.AddSingleton<KnownCamera>();
        services.AddSingleton<MediaPlanner>();
        services.AddSingleton<ProgressWatch>();
        services.AddSingleton<IEgressLauncher, EgressLauncher>();
        services.AddSingleton<IngestReports>();
        services.AddSingleton<ICameraReachability>(_ => new TcpCameraReachability(options.Camera.Url, TimeSpan.FromSeconds(1)));
        services.AddSingleton<RecorderReports>();
        services.AddSingleton<RecorderRuns>();
        services.AddSingleton<IIngestProbe>(_ => new RtmpProbe(TimeSpan.FromSeconds(2), options.Tls));
        services.AddSingleton<IngestRouter>();
        services.AddSingleton<SessionStartGate>();
        services.TryAddSingleton<IInstanceMetadata>(_ =>
            new Imdsv2Client(Imdsv2Client.ResolveEndpoint(options.SelfTerminate.MetadataEndpoint, Environment.GetEnvironmentVariable)));
        services.TryAddSingleton<IInstanceTerminator>(sp => new Ec2InstanceTerminator(
            Ec2InstanceTerminator.CreateClient, Ec2Retry.Pipeline(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Ec2Retry)))));
        services.TryAddSingleton<IInstanceKeeper>(sp => new Ec2InstanceKeeper(
            Ec2InstanceTerminator.CreateClient, Ec2Retry.Pipeline(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Ec2Retry)), operation: "Keeping the recording")));
        services.TryAddSingleton<IRootVolumeCopy, RootVolumeCopy>();
        services.TryAddSingleton<IShutdownCommand, SystemdPowerOff>();
        services.TryAddSingleton(new DmiIdentity(DmiIdentity.DefaultRoot));
        services.AddSingleton<InstanceLookup>();
        services.AddSingleton<PendingUploadsKeeper>();
        services.AddSingleton<SelfTerminator>();
        services.AddSingleton<UploadJournal>();
        if (options.Storage.Kind == StorageKind.S3)
        {
            services.AddSingleton<IAmazonS3>(sp => S3StoreFactory.Client(options.Storage, ClassCredentials.For(
                ClassRole.Of(options.Aws.ClassRoleArn, options.SessionId, options.Storage.Bucket, options.Storage.Prefix), options.Storage.Region,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClassCredentials)))));
            services.AddSingleton<IRecordingStore>(sp => new S3RecordingStore(
                sp.GetRequiredService<IAmazonS3>(), options.Storage.Bucket!, options.Storage.Prefix,
                UploadResilience.Create(TimeSpan.FromSeconds(options.Storage.RequestTimeoutSeconds), sp.GetRequiredService<ILogger<S3RecordingStore>>()),
                sp.GetRequiredService<ILogger<S3RecordingStore>>()));
        }
        else
        {
            services.AddSingleton<IRecordingStore>(_ => new LocalFolderStore(options.Storage.Directory));
        }

        services.AddSingleton<StopCause>();
        services.AddHostedService(sp => sp.GetRequiredService<StopCause>());
        if (options.Metrics.Enabled && EmfEndpoint.Parse(EmfEndpoint.Resolve(options.Metrics.Endpoint, Environment.GetEnvironmentVariable)) is { } endpoint)
        {
            // Registered early so it stops late: its last document follows the upload drain.
            services.AddSingleton(endpoint);
            services.AddSingleton<IEmfSink>(_ => new EmfAgentClient(endpoint));
            services.AddHostedService<EmfExporter>();
        }

        services.AddHostedService<SessionAnnouncer>();
        services.AddHostedService<StoredRecordingResume>(); // before the recorder: a folder without a recording continues what storage holds
        services.AddSingleton<IRecordingDisk, RecordingDisk>();
        services.AddHostedService<DiskGuard>();
        services.AddSingleton<PlaylistChanges>();
        services.AddHostedService<PlaylistWatch>(); // before the uploader: stops after its drain
        services.AddSingleton<SessionManifestSource>();
        services.AddSingleton<RecordingReader>();
        services.AddSingleton<ObjectUploader>();
        services.AddSingleton<UploadPass>();
        services.AddSingleton<StorageOutage>();
        services.AddSingleton<SegmentUploader>();
        services.AddHostedService(sp => sp.GetRequiredService<SegmentUploader>());
        services.AddSingleton<SegmentRemux>();
        services.AddSingleton<ReplayBuilder>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplayBuilder>()); // after the uploader: stops before its drain, which finishes the replay
        services.AddSingleton<ReplayPictures>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplayPictures>()); // likewise
        services.AddSingleton<IReplayFinisher>(sp => new ReplayFinish(sp.GetRequiredService<ReplayBuilder>(), sp.GetRequiredService<ReplayPictures>()));
        services.AddHostedService<RelayHost>(); // up before the recorder's first run, down after its last segment
        services.AddHostedService<IngestRouterService>();
        services.AddContentWatch(options); // reads the relay like an egress, from the class's start
        services.AddHostedService<RecorderService>();
        services.AddPlaybackWatch(options); // when Playback:LiveUrl is set: what viewers get, from the class's start to the stop request
        services.AddHostedService<ClassEndStep>();
        services.AddHostedService<SessionClock>();
        services.AddHostedService<StatusWriter>();
        services.AddHostedService<StatusUploader>();
        // AddSystemd registers the notifier only when systemd itself started the daemon; NOTIFY_SOCKET from any other supervisor is served too.
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddHostedService<LiveStatus>();
        services.AddHostedService<Preflight.PreflightService>(); // before StartsAt: the checks of `encoder check`, published once
        return services;
    }
}
