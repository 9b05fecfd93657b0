using System.Net.Security;
using System.Net.Sockets;

namespace Encoder.Egress;

/// <summary>Is an ingest answering? Connects and completes the first leg of the RTMP handshake (C0+C1 → S0+S1); publishes nothing.</summary>
public interface IIngestProbe
{
    Task<bool> IsHealthyAsync(string url, CancellationToken cancellationToken);
}

public sealed class RtmpProbe(TimeSpan timeout) : IIngestProbe
{
    private const int HandshakeSize = 1536;

    public async Task<bool> IsHealthyAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return false;
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
                        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = uri.Host }, deadline.Token).ConfigureAwait(false);
                        return await HandshakeAsync(tls, deadline.Token).ConfigureAwait(false);
                    }
                }

                return await HandshakeAsync(stream, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return false; // refused, reset, timed out, bad TLS, or the daemon stopping: not healthy
        }
    }

    private static async Task<bool> HandshakeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var c0c1 = new byte[1 + HandshakeSize];
        c0c1[0] = 3; // RTMP version 3; C1 is time (zero), zero, then arbitrary bytes
        await stream.WriteAsync(c0c1, cancellationToken).ConfigureAwait(false);
        var s0s1 = new byte[1 + HandshakeSize];
        await stream.ReadExactlyAsync(s0s1, cancellationToken).ConfigureAwait(false);
        return s0s1[0] == 3;
    }
}
