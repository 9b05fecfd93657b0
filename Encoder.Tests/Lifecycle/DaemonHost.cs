using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// The daemon's own service graph (<see cref="EncoderServices.AddEncoder"/>) in a real in-process host, ended as
/// Program.cs ends it. The class starts in an hour, so FFmpeg never runs; storage is a folder.
/// </summary>
internal static class DaemonHost
{
    public static EncoderOptions Options(string work, string storageDirectory) => new()
    {
        SessionId = "class-1",
        Camera = { Url = "rtsp://127.0.0.1:9/cam" },
        Ingest = { Primary = "rtmp://127.0.0.1:9/live/key" },
        Recording = { Directory = Path.Combine(work, "recordings") },
        Storage = { Directory = storageDirectory },
        Session = { StartsAt = DateTimeOffset.UtcNow.AddHours(1) },
        Metrics = { Enabled = false },
        Ffmpeg = { StopTimeoutSeconds = 1 },
        ShutdownTimeout = TimeSpan.FromSeconds(9),
    };

    /// <summary>A recording of one segment that storage does not hold yet.</summary>
    public static void Recorded(RecordingLayout layout)
    {
        Directory.CreateDirectory(layout.SessionDirectory);
        File.WriteAllBytes(Path.Combine(layout.SessionDirectory, "seg_00000.ts"), new byte[188 * 10]);
        File.WriteAllText(layout.PlaylistPath, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000000,\nseg_00000.ts\n");
    }

    /// <summary>A host builder holding the daemon's graph; a test adds its stand-ins before <see cref="EncoderServices.AddEncoder"/> (which only tries to add its own).</summary>
    public static HostApplicationBuilder Builder(EncoderOptions options, Action<IServiceCollection>? standIns = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        standIns?.Invoke(builder.Services);
        builder.Services.AddEncoder(options);
        // The pre-flight would start FFmpeg on the camera and write a probe to storage: these hosts are about the lifecycle.
        foreach (var preflight in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(Encoder.Preflight.PreflightService)).ToList())
            builder.Services.Remove(preflight);
        return builder;
    }

    /// <summary>Runs the host to its end and returns the exit code as Program.cs does.</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        var exit = host.Services.GetRequiredService<DaemonExit>();
        try
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return exit.Code ?? ExitCodes.Failure;
        }
        catch (InvalidOperationException)
        {
            return ExitCodes.Failure;
        }
    }
}
