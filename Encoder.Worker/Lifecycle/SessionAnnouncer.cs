using Encoder.Recording;
using Encoder.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>The first node of the lifecycle: states the validated configuration (redacted by the log pipeline) and prepares the session folders.</summary>
public sealed class SessionAnnouncer(EncoderOptions options, RecordingLayout layout, ILogger<SessionAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.SessionDirectory);
        Directory.CreateDirectory(layout.LogDirectory);
        logger.LogInformation(
            "Session {SessionId}: camera {Camera}; ingest {Primary} (secondary {Secondary}); video {VideoMode:l}; {SegmentSeconds}s segments in {Recording}; storage {StorageKind:l}",
            options.SessionId, options.Camera.Url, options.Ingest.Primary, options.Ingest.Secondary ?? "none",
            options.Video.Mode.ToString().ToLowerInvariant(), options.Recording.SegmentSeconds, layout.SessionDirectory,
            options.Storage.Kind.ToString().ToLowerInvariant());
        if (!options.Tls.Verify)
        {
            logger.LogWarning(
                "TLS VERIFICATION IS OFF (Encoder:Tls:Verify=false): rtmps:// ingests and an rtsps:// camera are accepted with any certificate, " +
                "so anyone on the network path can take the stream keys and the camera's credentials. Only for a lab.");
        }
        else if (!string.Equals(options.Tls.CaFile, TlsOptions.SystemCaFile, StringComparison.Ordinal))
        {
            logger.LogInformation("rtmps:// ingests must present a certificate from the CAs in {CaFile} (pinned; the system's CAs are not trusted)", options.Tls.CaFile);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
