using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A camera that answers RTSP and then sends no media: OPTIONS, DESCRIBE (one H.264 track), SETUP (interleaved over
/// TCP) and PLAY are answered, then only RTSP keep-alive chatter flows (an interleaved frame on a channel nobody set
/// up, every half second). The socket is never idle, so FFmpeg's own <c>-timeout</c> never fires: only the daemon's
/// watchdog can tell. After <see cref="BringCameraBack"/>, every new connection is relayed to a real camera on
/// <c>realCameraPort</c> instead (the same URL starts to work). Runs in the test process; disposing stops it.
/// </summary>
internal sealed class SilentCamera : IAsyncDisposable
{
    private static readonly byte[] Chatter = [(byte)'$', 9, 0, 4, (byte)'p', (byte)'i', (byte)'n', (byte)'g'];

    private readonly TcpListener _listener;
    private readonly int _realCameraPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _relaying;
    private int _sessions;

    private SilentCamera(int realCameraPort)
    {
        _realCameraPort = realCameraPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many sessions were answered with PLAY and then nothing.</summary>
    public int SilentSessions => Volatile.Read(ref _sessions);

    public string Url => $"rtsp://{TestCamera.User}:{TestCamera.Password}@127.0.0.1:{Port}/camera";

    public static SilentCamera Start(int realCameraPort) => new(realCameraPort);

    /// <summary>From now on, connections reach the real camera.</summary>
    public void BringCameraBack() => _relaying = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(_relaying ? RelayAsync(client) : SilentAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }

        await Task.WhenAll(connections);
    }

    private async Task SilentAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var writes = new SemaphoreSlim(1);
        Task? chatter = null;
        try
        {
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            while (await ReadRequestAsync(reader) is { } request)
            {
                var (method, url, cseq) = request;
                var headers = method switch
                {
                    "OPTIONS" => "Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN\r\n",
                    "DESCRIBE" => $"Content-Type: application/sdp\r\nContent-Base: {url}/\r\n",
                    "SETUP" => "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 5150;timeout=60\r\n",
                    _ => "Session: 5150\r\n",
                };
                var body = method == "DESCRIBE"
                    ? "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=silent\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:stream=0\r\n"
                    : "";
                await WriteAsync(stream, writes, Encoding.ASCII.GetBytes(
                    $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{headers}Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n{body}"));
                if (method == "PLAY" && chatter is null)
                {
                    Interlocked.Increment(ref _sessions);
                    chatter = ChatterAsync(stream, writes);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away, or the test is over
        }

        client.Close();
        if (chatter is not null)
            await chatter;
    }

    private async Task ChatterAsync(NetworkStream stream, SemaphoreSlim writes)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token);
                await WriteAsync(stream, writes, Chatter);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away, or the test is over
        }
    }

    private async Task WriteAsync(NetworkStream stream, SemaphoreSlim writes, byte[] bytes)
    {
        await writes.WaitAsync(_stop.Token);
        try
        {
            await stream.WriteAsync(bytes, _stop.Token);
        }
        finally
        {
            writes.Release();
        }
    }

    /// <summary>One request's method, URL and CSeq (FFmpeg's requests carry no body), or null at the end of the stream.</summary>
    private async Task<(string Method, string Url, string CSeq)?> ReadRequestAsync(StreamReader reader)
    {
        string? requestLine = null;
        var cseq = "0";
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (requestLine is null)
                    continue;
                var parts = requestLine.Split(' ');
                return (parts[0], parts.Length > 1 ? parts[1] : "", cseq);
            }

            if (requestLine is null)
                requestLine = line;
            else if (line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
                cseq = line[5..].Trim();
        }

        return null;
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var camera = new TcpClient();
        try
        {
            await camera.ConnectAsync(IPAddress.Loopback, _realCameraPort, _stop.Token);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = client.GetStream().CopyToAsync(camera.GetStream(), either.Token);
            var down = camera.GetStream().CopyToAsync(client.GetStream(), either.Token);
            await Task.WhenAny(up, down);
            await either.CancelAsync();
            await Task.WhenAll(Quietly(up), Quietly(down));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // either side went away, or the test is over
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // already ending
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"silent camera on {Port}");
}
