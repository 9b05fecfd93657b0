using System.Net;
using System.Net.Sockets;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy to a server that "comes up late", as an AWS endpoint can in an instance's first minute (DNS,
/// instance-profile credentials, a VPC endpoint): until <see cref="OpensAt"/> every connection is reset as soon as it is
/// accepted; from then on connections are passed through to the target. Stopped by its own handle.
/// </summary>
internal sealed class LateTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _refused;

    private LateTcpProxy(int targetPort, DateTimeOffset opensAt)
    {
        _targetPort = targetPort;
        OpensAt = opensAt;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static LateTcpProxy Start(int targetPort, TimeSpan opensAfter) => new(targetPort, DateTimeOffset.UtcNow + opensAfter);

    public DateTimeOffset OpensAt { get; }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections reset before <see cref="OpensAt"/>.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>When the first connection was passed through, or null.</summary>
    public DateTimeOffset? FirstPassedAt { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (DateTimeOffset.UtcNow < OpensAt)
            {
                Interlocked.Increment(ref _refused);
                client.Client.LingerState = new LingerOption(true, 0); // RST, as an endpoint that is not there yet
                client.Dispose();
                continue;
            }

            FirstPassedAt ??= DateTimeOffset.UtcNow;
            _ = PassAsync(client);
        }
    }

    private async Task PassAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var from = client.GetStream();
                var to = target.GetStream();
                await Task.WhenAny(from.CopyToAsync(to, _stop.Token), to.CopyToAsync(from, _stop.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // either side went away: so does the other
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
