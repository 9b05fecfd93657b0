using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Encoder.Aws;

/// <summary>
/// IMDSv2 and nothing else: a session token first (<c>PUT /latest/api/token</c>), then every read with that token.
/// If the token is refused the lookup is refused — there is no fallback to IMDSv1's unauthenticated reads.
/// Every request is bounded (<see cref="RequestTimeout"/> unless told otherwise) and never goes through a proxy. A miss
/// is one answer: whether to ask again is the caller's call (<c>Lifecycle/InstanceLookup</c>).
/// </summary>
public sealed partial class Imdsv2Client : IInstanceMetadata, IDisposable
{
    /// <summary>The metadata service's standard address.</summary>
    public const string DefaultEndpoint = "http://169.254.169.254";

    /// <summary>The SDK-standard variable naming another metadata endpoint.</summary>
    public const string EndpointVariable = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    /// <summary>How long one request may take by default. On EC2 the service answers in milliseconds.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private const int TokenTtlSeconds = 60;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    /// <param name="endpoint">The metadata service (<see cref="ResolveEndpoint"/>).</param>
    /// <param name="requestTimeout">One request's bound: <see cref="RequestTimeout"/> unless a test says otherwise.</param>
    public Imdsv2Client(Uri endpoint, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        _timeout = requestTimeout ?? RequestTimeout;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = _timeout, AllowAutoRedirect = false })
        {
            BaseAddress = endpoint,
            Timeout = Timeout.InfiniteTimeSpan, // each request carries its own bound
        };
    }

    public Uri Endpoint { get; }

    /// <summary><c>Encoder:SelfTerminate:MetadataEndpoint</c> if set, else <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>, else the standard address.</summary>
    public static Uri ResolveEndpoint(string? configured, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var endpoint = !string.IsNullOrWhiteSpace(configured) ? configured
            : environment(EndpointVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultEndpoint;
        return new Uri(endpoint.TrimEnd('/') + "/", UriKind.Absolute);
    }

    public async Task<MetadataLookup> GetIdentityAsync(CancellationToken cancellationToken)
    {
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", TokenTtlSeconds.ToString(CultureInfo.InvariantCulture));
        var token = await SendAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
        switch (token)
        {
            case { Failure: { } failure }:
                return MetadataLookup.Unreachable(failure);
            case { Status: not HttpStatusCode.OK }:
                return MetadataLookup.Refused($"the IMDSv2 token request was answered with HTTP {(int)token.Status}");
            case { Body.Length: 0 }:
                return MetadataLookup.Refused("the IMDSv2 token request was answered without a token");
        }

        var instanceId = await ReadAsync("latest/meta-data/instance-id", token.Body, cancellationToken).ConfigureAwait(false);
        if (instanceId.Problem is { } idProblem)
            return MetadataLookup.Refused(idProblem);
        if (!InstanceIdPattern().IsMatch(instanceId.Value))
            return MetadataLookup.Refused($"the instance id '{instanceId.Value}' is not an EC2 instance id");

        var region = await ReadAsync("latest/meta-data/placement/region", token.Body, cancellationToken).ConfigureAwait(false);
        if (region.Problem is { } regionProblem)
            return MetadataLookup.Refused(regionProblem);
        return MetadataLookup.Found(new InstanceIdentity(instanceId.Value, region.Value));
    }

    public Task<string?> GetRootDeviceAsync(CancellationToken cancellationToken) => ReadOneAsync("latest/meta-data/block-device-mapping/root", cancellationToken);

    public Task<string?> GetInstanceTypeAsync(CancellationToken cancellationToken) => ReadOneAsync("latest/meta-data/instance-type", cancellationToken);

    /// <summary>One value with a fresh token, or null when either request fails.</summary>
    private async Task<string?> ReadOneAsync(string path, CancellationToken cancellationToken)
    {
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", TokenTtlSeconds.ToString(CultureInfo.InvariantCulture));
        var token = await SendAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
        if (token is not { Failure: null, Status: HttpStatusCode.OK, Body.Length: > 0 })
            return null;
        var value = await ReadAsync(path, token.Body, cancellationToken).ConfigureAwait(false);
        return value.Problem is null ? value.Value : null;
    }

    public void Dispose() => _http.Dispose();

    private async Task<(string Value, string? Problem)> ReadAsync(string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-aws-ec2-metadata-token", token);
        var answer = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            { Failure: { } failure } => ("", $"reading /{path} failed: {failure}"),
            { Status: not HttpStatusCode.OK } => ("", $"reading /{path} was answered with HTTP {(int)answer.Status}"),
            { Body.Length: 0 } => ("", $"/{path} is empty"),
            _ => (answer.Body, null),
        };
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string? Failure);

    /// <summary>One bounded request. A timeout or a connection failure is an answer (<see cref="Answer.Failure"/>), not an exception.</summary>
    private async Task<Answer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, bound.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(bound.Token).ConfigureAwait(false);
            return new Answer(response.StatusCode, body.Trim(), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(0, "", $"no answer within {_timeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException ex)
        {
            return new Answer(0, "", ex.InnerException?.Message ?? ex.Message);
        }
    }

    [GeneratedRegex("^i-[0-9a-f]{8,32}$")]
    private static partial Regex InstanceIdPattern();
}
