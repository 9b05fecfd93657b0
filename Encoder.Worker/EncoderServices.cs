using Amazon.S3;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Encoder;

public static class EncoderServices
{
    /// <summary>
    /// Registers the lifecycle graph. The host starts hosted services in registration order and stops them in reverse:
    /// configuration → disk guard → uploader → FFmpeg supervisor → self-terminate (which acts once all have stopped) → session clock.
    /// </summary>
    public static IServiceCollection AddEncoder(this IServiceCollection services, EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(SecretRedactor.For(options));
        services.AddSingleton<RecordingLayout>();
        services.AddSingleton<ChildProcessThread>();
        services.AddSingleton<DaemonOutcome>();
        services.AddSingleton<UploadDrainReport>();
        services.AddSingleton<FfmpegRun>();
        services.AddSingleton<SessionOutages>();
        services.AddSingleton<UploadJournal>();
        if (options.Storage.Kind == StorageKind.S3)
        {
            services.AddSingleton<IAmazonS3>(_ => new AmazonS3Client(S3StoreFactory.Config(options.Storage)));
            services.AddSingleton<IRecordingStore>(sp => new S3RecordingStore(
                sp.GetRequiredService<IAmazonS3>(), options.Storage.Bucket!, options.Storage.Prefix,
                UploadResilience.Create(TimeSpan.FromSeconds(options.Storage.RequestTimeoutSeconds), sp.GetRequiredService<ILogger<S3RecordingStore>>()),
                sp.GetRequiredService<ILogger<S3RecordingStore>>()));
        }
        else
        {
            services.AddSingleton<IRecordingStore>(_ => new LocalFolderStore(options.Storage.Directory));
        }

        services.AddHostedService<SessionAnnouncer>();
        services.AddHostedService<DiskGuard>();
        services.AddSingleton<SegmentUploader>();
        services.AddHostedService(sp => sp.GetRequiredService<SegmentUploader>());
        services.AddSingleton<FfmpegSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<FfmpegSupervisor>());
        services.AddHostedService<SelfTerminator>();
        services.AddHostedService<SessionClock>();
        return services;
    }
}
