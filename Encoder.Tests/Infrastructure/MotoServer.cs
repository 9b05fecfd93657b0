using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// Real S3, EC2 and IAM HTTP APIs on a free loopback port (moto_server, preinstalled), stopped by its own handle.
/// Its request log (werkzeug's, on stderr) tells which requests reached it, in order.
/// </summary>
internal sealed partial class MotoServer : IAsyncDisposable
{
    public const string AccessKey = "moto-test-access";
    public const string SecretKey = "moto-test-Secret-K3y";
    public const string Region = "us-east-1";

    /// <summary>An AMI moto knows (from its bundled list).</summary>
    public const string ImageId = "ami-12c6146b";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ChildProcess? _process;
    private bool _frozen;

    private MotoServer(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<MotoServer> StartAsync()
    {
        var moto = new MotoServer(FreePort.Next());
        moto._process = ChildProcess.Start("moto_server", ["-H", "127.0.0.1", "-p", moto.Port.ToString(CultureInfo.InvariantCulture)]);
        await FreePort.WaitUntilListeningAsync(moto.Port, TimeSpan.FromSeconds(30));
        return moto;
    }

    /// <summary>What a child process (the daemon, the launcher) needs to reach its EC2: any credentials, a region, no instance metadata.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL_EC2"] = Url,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>A client of this server's EC2 (what the daemon's own client would be, pointed here).</summary>
    public AmazonEC2Client Ec2() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonEC2Config
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
            "AWS4-HMAC-SHA256", $"Credential={AccessKey}/20260101/{Region}/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public IAmazonS3 Client() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config { ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = Region });

    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(new Uri($"{Url}/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<string> CreateBucketAsync(string name)
    {
        using var s3 = Client();
        await s3.PutBucketAsync(name);
        return name;
    }

    public async Task<List<S3Object>> ListAsync(string bucket, string prefix = "")
    {
        using var s3 = Client();
        var objects = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token });
            objects.AddRange(page.S3Objects ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return objects;
    }

    public async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var s3 = Client();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Requests that reached the server so far, in order: method, path (with query), status.</summary>
    public IReadOnlyList<(string Method, string Path, int Status)> Requests() =>
        RequestLine().Matches(_process!.Output)
            .Select(m => (m.Groups["method"].Value, Uri.UnescapeDataString(m.Groups["path"].Value), int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Freezes S3 (SIGSTOP): connections are accepted by the kernel but nothing answers.</summary>
    public void Freeze()
    {
        _process!.Signal(Signals.SigStop);
        _frozen = true;
    }

    public void Thaw()
    {
        _process!.Signal(Signals.SigCont);
        _frozen = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
            return;
        if (_frozen)
            Thaw();
        await _process.DisposeAsync();
    }

    [GeneratedRegex("\"(?<method>[A-Z]+) (?<path>/[^ \"]*) HTTP/1\\.1\" (?<status>[0-9]{3})")]
    private static partial Regex RequestLine();
}
