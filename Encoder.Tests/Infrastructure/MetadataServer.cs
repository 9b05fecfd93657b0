using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A loopback EC2 instance metadata service of the test's own, answering for one instance id. In
/// <see cref="MetadataMode.V2"/> it requires a session token like IMDSv2; in <see cref="MetadataMode.V1Only"/> it is an
/// old service that knows no tokens (the PUT fails) but answers plain GETs. It can leave the first token requests
/// unanswered (<c>silentTokenRequests</c>), as a metadata service that is slow to come up or briefly away.
/// </summary>
internal sealed class MetadataServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _instanceId;
    private readonly MetadataMode _mode;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly Task _loop;
    private readonly ConcurrentQueue<HttpListenerContext> _unanswered = new();
    private int _silentTokenRequests;

    private MetadataServer(int port, string instanceId, MetadataMode mode, Action? onTokenRequest, int silentTokenRequests)
    {
        _instanceId = instanceId;
        _mode = mode;
        _silentTokenRequests = silentTokenRequests;
        OnTokenRequest = onTokenRequest;
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>The instance type it says (<c>instance-type</c>): one the launcher's table knows.</summary>
    public const string InstanceType = "c5.large";

    /// <summary>Every request as "METHOD /path (token|no token)", in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    private Action? OnTokenRequest { get; }

    /// <param name="silentTokenRequests">How many token requests, the first ones, get no answer at all (the client times out).</param>
    public static MetadataServer Start(string instanceId, MetadataMode mode = MetadataMode.V2, Action? onTokenRequest = null, int silentTokenRequests = 0) =>
        new(FreePort.Next(), instanceId, mode, onTokenRequest, silentTokenRequests);

    public async ValueTask DisposeAsync()
    {
        while (_unanswered.TryDequeue(out var held))
            held.Response.Abort();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (IsTokenRequest(context.Request) && Interlocked.Decrement(ref _silentTokenRequests) >= 0)
            {
                Requests.Enqueue($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath} (unanswered)");
                _unanswered.Enqueue(context);
                continue;
            }

            var (status, body) = Answer(context.Request);
            context.Response.StatusCode = (int)status;
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static bool IsTokenRequest(HttpListenerRequest request) => request.HttpMethod == "PUT" && request.Url!.AbsolutePath == "/latest/api/token";

    private (HttpStatusCode, string) Answer(HttpListenerRequest request)
    {
        var token = request.Headers["X-aws-ec2-metadata-token"];
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {path} ({(token is null ? "no token" : "token")})");

        if (request.HttpMethod == "PUT" && path == "/latest/api/token")
        {
            if (_mode == MetadataMode.V1Only)
                return (HttpStatusCode.NotFound, "");
            if (request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] is null)
                return (HttpStatusCode.BadRequest, "");
            OnTokenRequest?.Invoke();
            return (HttpStatusCode.OK, _token);
        }

        if (request.HttpMethod != "GET")
            return (HttpStatusCode.MethodNotAllowed, "");
        if (_mode == MetadataMode.V2 && token != _token)
            return (HttpStatusCode.Unauthorized, "");
        return path switch
        {
            "/latest/meta-data/instance-id" => (HttpStatusCode.OK, _instanceId),
            "/latest/meta-data/placement/region" => (HttpStatusCode.OK, MotoServer.Region),
            "/latest/meta-data/block-device-mapping/root" => (HttpStatusCode.OK, MotoServer.RootDevice),
            "/latest/meta-data/instance-type" => (HttpStatusCode.OK, InstanceType),
            _ => (HttpStatusCode.NotFound, ""),
        };
    }
}

internal enum MetadataMode
{
    V2,
    V1Only,
}
