using System.Net.Http.Headers;

namespace Encoder.Tests.Infrastructure;

/// <summary>moto_server (EC2 and IAM, any credentials) on a free loopback port; stopped by its own process handle.</summary>
internal sealed class MotoServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private MotoServer(ChildProcess process, int port)
    {
        _process = process;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Endpoint { get; }

    public static async Task<MotoServer> StartAsync()
    {
        var port = FreePort.Next();
        var server = new MotoServer(ChildProcess.Start("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]), port);
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The environment that points the AWS SDK (a child process's) at this server.</summary>
    public Dictionary<string, string> SdkEnvironment() => new()
    {
        ["AWS_ENDPOINT_URL_EC2"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>IAM's CreateInstanceProfile (moto routes by the credential scope's service name).</summary>
    public async Task CreateInstanceProfileAsync(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "CreateInstanceProfile",
                ["InstanceProfileName"] = name,
                ["Version"] = "2010-05-08",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "AWS4-HMAC-SHA256", "Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
