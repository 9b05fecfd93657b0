using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Metrics;
using Encoder.Status;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Encoder.Tests.Lifecycle;

public sealed class LifecycleOrderTests
{
    [Test]
    public void Hosted_services_start_config_diskguard_uploader_ffmpeg_selfterminate_so_they_stop_in_reverse()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddEncoder(new EncoderOptions { SessionId = "s", Ingest = new IngestOptions { Primary = "rtmp://h/live/k" } });
        using var host = builder.Build();

        var order = host.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();

        Assert.That(order, Is.EqualTo(new[]
        {
            typeof(StopCause), typeof(EmfExporter), typeof(SessionAnnouncer), typeof(StoredRecordingResume), typeof(DiskGuard), typeof(PlaylistWatch), typeof(SegmentUploader), typeof(FfmpegSupervisor), typeof(SelfTerminator), typeof(PendingUploadsKeeper), typeof(SessionClock), typeof(StatusWriter),
            typeof(StatusUploader), typeof(LiveStatus),
        }));
        Assert.That(typeof(IHostedLifecycleService).IsAssignableFrom(typeof(SelfTerminator)), Is.True,
            "self-termination acts in StoppedAsync, after every service has stopped");
        Assert.That(typeof(IHostedLifecycleService).IsAssignableFrom(typeof(PendingUploadsKeeper)), Is.True,
            "the keeper acts in StoppedAsync too, registered after self-termination so the host calls it first");
    }
}
