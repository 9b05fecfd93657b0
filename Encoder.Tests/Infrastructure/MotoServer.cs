using System.Net.Http.Headers;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Encoder.Tests.Infrastructure;

/// <summary>moto_server (EC2, IAM and S3 stand-in) on a free loopback port; stopped by its own handle.</summary>
internal sealed class MotoServer : IAsyncDisposable
{
    public const string Region = "us-east-1";

    /// <summary>An AMI moto knows (from its bundled list).</summary>
    public const string ImageId = "ami-12c6146b";

    private readonly ChildProcess _process;

    private MotoServer(ChildProcess process, int port)
    {
        _process = process;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>What a child process needs to reach this server's EC2 with any credentials.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL_EC2"] = Url,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public static async Task<MotoServer> StartAsync()
    {
        var port = FreePort.Next();
        var process = ChildProcess.Start("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var server = new MotoServer(process, port);
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

    /// <summary>A client of this server's EC2 (what the daemon's own client would be, pointed here).</summary>
    public AmazonEC2Client Ec2() => new(new BasicAWSCredentials("test", "test"), new AmazonEC2Config
    {
        ServiceURL = Url,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    public async Task<string> RunInstanceAsync()
    {
        using var ec2 = Ec2();
        var response = await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = ImageId, MinCount = 1, MaxCount = 1, InstanceType = InstanceType.T3Micro });
        return response.Reservation.Instances[0].InstanceId;
    }

    /// <summary>running, shutting-down, terminated, ...</summary>
    public async Task<string> StateOfAsync(string instanceId)
    {
        using var ec2 = Ec2();
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return response.Reservations.Single().Instances.Single().State.Name.Value;
    }

    /// <summary>IAM's CreateInstanceProfile (moto routes by the credential scope's service name).</summary>
    public async Task CreateInstanceProfileAsync(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "CreateInstanceProfile",
                ["InstanceProfileName"] = name,
                ["Version"] = "2010-05-08",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "AWS4-HMAC-SHA256", $"Credential=test/20260101/{Region}/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
