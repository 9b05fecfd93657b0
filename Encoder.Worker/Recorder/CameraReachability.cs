using System.Net.Sockets;

namespace Encoder.Recorder;

/// <summary>Does the camera answer? A cheap check the recorder makes while it waits to restart (<see cref="RestartWait"/>).</summary>
public interface ICameraReachability
{
    Task<bool> AnswersAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Connects to the camera's RTSP host and port (554 for <c>rtsp://</c>, 322 for <c>rtsps://</c> unless the URL names
/// one) and hangs up: nothing is sent, so the camera sees no request and no credential. Refused, unreachable, an
/// unparsable URL or no answer within <paramref name="timeout"/> is "no answer".
/// </summary>
public sealed class TcpCameraReachability(string cameraUrl, TimeSpan timeout) : ICameraReachability
{
    private readonly (string Host, int Port)? _endpoint = Endpoint(cameraUrl);

    /// <summary>The host and port to connect to, or null when the URL has none.</summary>
    public static (string Host, int Port)? Endpoint(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return null;
        var port = uri.Port > 0 ? uri.Port : uri.Scheme.Equals("rtsps", StringComparison.OrdinalIgnoreCase) ? 322 : 554;
        return (uri.IdnHost, port);
    }

    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is not var (host, port))
            return false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
