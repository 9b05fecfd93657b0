using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Encoder.Configuration;

namespace Encoder.Egress;

/// <summary>Is an ingest answering? Connects and completes the first leg of the RTMP handshake (C0+C1 → S0+S1); publishes nothing. (<see cref="RtmpProbe.ConnectAsync"/> goes one step further, for the pre-flight.)</summary>
public interface IIngestProbe
{
    Task<bool> IsHealthyAsync(string url, CancellationToken cancellationToken);
}

/// <summary>
/// The probe trusts what the egresses' FFmpeg trusts (<see cref="Ffmpeg.FfmpegArguments.IngestTls"/>): with
/// <c>Tls:Verify</c> an <c>rtmps://</c> ingest must present a certificate for its host that chains to a CA in
/// <c>Tls:CaFile</c> (only those: the system's store is not consulted, so a pinned CA is the only one), revocation
/// unchecked as FFmpeg does; without it, any certificate. An ingest the egress would refuse is never healthy.
/// </summary>
public sealed class RtmpProbe(TimeSpan timeout, TlsOptions tls) : IIngestProbe
{
    private const int HandshakeSize = 1536;
    private readonly Lazy<X509Certificate2Collection?> _trusted = new(() => LoadCaFile(tls.CaFile));

    public async Task<bool> IsHealthyAsync(string url, CancellationToken cancellationToken) =>
        await OverConnectionAsync(url, HandshakeAsync, cancellationToken).ConfigureAwait(false) is (true, null);

    /// <summary>
    /// The handshake, then RTMP's <c>connect</c> to the URL's application (<see cref="RtmpConnect"/>), never a publish:
    /// null when the ingest accepted it, else why not (refused, reset, timed out, bad TLS, or its <c>_error</c>), with no URL in it.
    /// </summary>
    public async Task<string?> ConnectAsync(string url, CancellationToken cancellationToken)
    {
        var (ok, problem) = await OverConnectionAsync(url, async (stream, token) =>
        {
            var s0s1 = new byte[1 + HandshakeSize];
            await stream.WriteAsync(C0C1(), token).ConfigureAwait(false);
            await stream.ReadExactlyAsync(s0s1, token).ConfigureAwait(false);
            if (s0s1[0] != 3)
                return (false, "the ingest does not speak RTMP version 3");
            var (app, tcUrl) = RtmpConnect.Split(new Uri(url));
            return await RtmpConnect.AfterHandshakeAsync(stream, s0s1.AsMemory(1), app, tcUrl, token).ConfigureAwait(false) is { } refused
                ? (false, refused)
                : (true, null);
        }, cancellationToken).ConfigureAwait(false);
        return ok ? null : problem ?? "no answer";
    }

    /// <summary>Connects (with TLS for <c>rtmps://</c>) and runs <paramref name="use"/>; a connection that fails is (false, why).</summary>
    private async Task<(bool Ok, string? Problem)> OverConnectionAsync(
        string url, Func<Stream, CancellationToken, Task<(bool, string?)>> use, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return (false, "not a URL");
        var secure = uri.Scheme.Equals("rtmps", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (secure ? 443 : 1935) : uri.Port;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, port, deadline.Token).ConfigureAwait(false);
            Stream stream = client.GetStream();
            await using (stream.ConfigureAwait(false))
            {
                if (secure)
                {
                    var tls = new SslStream(stream);
                    await using (tls.ConfigureAwait(false))
                    {
                        if (ClientOptions(uri.Host) is not { } options)
                            return (false, "its certificate cannot be verified: no CA in Encoder:Tls:CaFile");
                        await tls.AuthenticateAsClientAsync(options, deadline.Token).ConfigureAwait(false);
                        return await use(tls, deadline.Token).ConfigureAwait(false);
                    }
                }

                return await use(stream, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalSeconds:0.#}s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // refused, reset, bad TLS, or the daemon stopping: not healthy
            return (false, ex switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain } => "host not found",
                SocketException socket => socket.SocketErrorCode.ToString(),
                EndOfStreamException => "the ingest closed the connection",
                _ => ex.Message,
            });
        }
    }

    /// <summary>How to authenticate the ingest, or null when its certificate cannot be verified at all (no CA file).</summary>
    private SslClientAuthenticationOptions? ClientOptions(string host)
    {
        if (!tls.Verify)
        {
#pragma warning disable CA5359 // Tls:Verify=false: the operator turned verification off, and the start says so loudly
            return new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = static (_, _, _, _) => true };
#pragma warning restore CA5359
        }

        if (_trusted.Value is not { Count: > 0 } trusted)
            return null;
        var chain = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        chain.CustomTrustStore.AddRange(trusted);
        return new SslClientAuthenticationOptions { TargetHost = host, CertificateChainPolicy = chain };
    }

    private static X509Certificate2Collection? LoadCaFile(string path)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            return certificates;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return null;
        }
    }

    private static byte[] C0C1()
    {
        var c0c1 = new byte[1 + HandshakeSize];
        c0c1[0] = 3; // RTMP version 3; C1 is time (zero), zero, then arbitrary bytes
        return c0c1;
    }

    private static async Task<(bool, string?)> HandshakeAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(C0C1(), cancellationToken).ConfigureAwait(false);
        var s0s1 = new byte[1 + HandshakeSize];
        await stream.ReadExactlyAsync(s0s1, cancellationToken).ConfigureAwait(false);
        return s0s1[0] == 3 ? (true, null) : (false, "not RTMP version 3");
    }
}
