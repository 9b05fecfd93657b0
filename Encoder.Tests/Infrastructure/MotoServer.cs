using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// Real S3, EC2, SSM and IAM HTTP APIs on a free loopback port (moto_server, preinstalled), stopped by its own handle.
/// Its request log (werkzeug's, on stderr) tells which requests reached it, in order.
/// </summary>
/// <remarks>
/// <see cref="StartEnforcingIamAsync"/> starts it as strict as AWS about IAM (<c>dev/moto-iam.py</c>): the first
/// three requests create an <see cref="Admin"/> user allowed everything (the test's own calls: buckets, assertions,
/// instances), and from then on every request needs a known access key and is checked against its user's policies;
/// <see cref="CreateUserAsync"/> adds the users the daemon and the launcher run as, holding the project's
/// <c>iam/*.json</c> (<see cref="IamPolicies"/>). What moto evaluates and what it cannot is said in that script.
/// </remarks>
internal sealed partial class MotoServer : IS3TestStore, IAsyncDisposable
{
    /// <summary>Anything goes in a moto that does not enforce IAM.</summary>
    private static readonly AwsUser Anyone = new("anyone", "moto-test-access", "moto-test-Secret-K3y");

    /// <summary>Requests moto lets through before it enforces IAM: the admin's CreateUser, PutUserPolicy, CreateAccessKey.</summary>
    private const int BootstrapRequests = 3;

    public const string Region = "us-east-1";

    /// <summary>moto's account.</summary>
    public const string AccountId = "123456789012";

    /// <summary>An AMI moto knows (from its bundled list).</summary>
    public const string ImageId = "ami-12c6146b";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ChildProcess? _process;
    private bool _frozen;

    private MotoServer(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The user the test's own calls run as: allowed everything.</summary>
    public AwsUser Admin { get; private set; } = Anyone;

    /// <summary>A moto that takes any credentials and allows everything.</summary>
    public static async Task<MotoServer> StartAsync()
    {
        var moto = new MotoServer(FreePort.Next());
        moto._process = ChildProcess.Start("moto_server", ["-H", "127.0.0.1", "-p", moto.Port.ToString(CultureInfo.InvariantCulture)]);
        await moto.StopIfFailingAsync(() => FreePort.WaitUntilListeningAsync(moto.Port, TimeSpan.FromSeconds(90))); // python and moto load slowly on a busy machine
        return moto;
    }

    /// <summary>A moto that checks every request against IAM, with an <see cref="Admin"/> user created.</summary>
    public static async Task<MotoServer> StartEnforcingIamAsync()
    {
        var moto = new MotoServer(FreePort.Next());
        moto._process = ChildProcess.Start("python3", [RepoPaths.Dev("moto-iam.py"), moto.Port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = BootstrapRequests.ToString(CultureInfo.InvariantCulture) });
        await moto.StopIfFailingAsync(async () =>
        {
            await FreePort.WaitUntilListeningAsync(moto.Port, TimeSpan.FromSeconds(90)); // python and moto load slowly on a busy machine
            moto.Admin = await moto.CreateUserAsync("encoder-test-admin", IamPolicies.Admin);
        });
        return moto;
    }

    /// <summary>A start that fails stops the server it started: no fixture holds it yet to stop it later.</summary>
    private async Task StopIfFailingAsync(Func<Task> start)
    {
        try
        {
            await start();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>An IAM user holding <paramref name="policy"/> as its only (inline) policy, with an access key.</summary>
    public async Task<AwsUser> CreateUserAsync(string name, string policy)
    {
        await IamAsync("CreateUser", new() { ["UserName"] = name });
        await IamAsync("PutUserPolicy", new() { ["UserName"] = name, ["PolicyName"] = name, ["PolicyDocument"] = policy });
        var key = (await IamAsync("CreateAccessKey", new() { ["UserName"] = name })).Descendants().First(e => e.Name.LocalName == "AccessKey");
        string Field(string field) => key.Elements().Single(e => e.Name.LocalName == field).Value;
        return new AwsUser(name, Field("AccessKeyId"), Field("SecretAccessKey"));
    }

    /// <summary>An IAM role trusted as <paramref name="trustPolicy"/> says, holding <paramref name="policy"/> inline; its ARN.</summary>
    public async Task<string> CreateRoleAsync(string name, string trustPolicy, string policy)
    {
        var role = await IamAsync("CreateRole", new() { ["RoleName"] = name, ["AssumeRolePolicyDocument"] = trustPolicy });
        await IamAsync("PutRolePolicy", new() { ["RoleName"] = name, ["PolicyName"] = name, ["PolicyDocument"] = policy });
        return role.Descendants().First(e => e.Name.LocalName == "Arn").Value;
    }

    /// <summary>The ARN moto gives a user (what a trust policy names to let it assume a role).</summary>
    public static string UserArn(AwsUser user) => $"arn:aws:iam::{AccountId}:user/{user.Name}";

    /// <summary>A client of this server's STS as <paramref name="user"/> (the admin by default).</summary>
    public AmazonSecurityTokenServiceClient Sts(AwsUser? user = null) => new(Credentials(user), new AmazonSecurityTokenServiceConfig
    {
        ServiceURL = Url,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>A client of this server's S3 with any credentials (e.g. a role's, assumed).</summary>
    public IAmazonS3 Client(AWSCredentials credentials) => new AmazonS3Client(credentials,
        new AmazonS3Config { ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = Region });

    /// <summary>A client of this server's SSM with any credentials (e.g. a role's, assumed).</summary>
    public AmazonSimpleSystemsManagementClient Ssm(AWSCredentials credentials) => new(credentials, new AmazonSimpleSystemsManagementConfig
    {
        ServiceURL = Url,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>What a child process (the daemon, the launcher) needs to reach this server's EC2 as <paramref name="user"/>: its keys, a region, no instance metadata.</summary>
    public Dictionary<string, string> EnvironmentFor(AwsUser user) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = user.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = user.SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL_EC2"] = Url,
        ["AWS_ENDPOINT_URL_SSM"] = Url,
        ["AWS_ENDPOINT_URL_STS"] = Url,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>A client of this server's SSM Parameter Store as <paramref name="user"/> (the admin by default).</summary>
    public AmazonSimpleSystemsManagementClient Ssm(AwsUser? user = null) => new(Credentials(user), new AmazonSimpleSystemsManagementConfig
    {
        ServiceURL = Url,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>A client of this server's EC2 as <paramref name="user"/> (the admin by default).</summary>
    public AmazonEC2Client Ec2(AwsUser? user = null) => new(Credentials(user), new AmazonEC2Config
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

    /// <summary>The root device of moto's instances (the AMI's).</summary>
    public const string RootDevice = "/dev/sda1";

    /// <summary>Whether the instance's root volume goes with it (DescribeInstances' block device mapping).</summary>
    public async Task<bool> RootVolumeDeletedOnTerminationAsync(string instanceId)
    {
        using var ec2 = Ec2();
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return response.Reservations.Single().Instances.Single().BlockDeviceMappings.Single(m => m.DeviceName == RootDevice).Ebs.DeleteOnTermination == true;
    }

    /// <summary>The root volume's id, while the instance has it.</summary>
    public async Task<string> RootVolumeOfAsync(string instanceId)
    {
        using var ec2 = Ec2();
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return response.Reservations.Single().Instances.Single().BlockDeviceMappings.Single(m => m.DeviceName == RootDevice).Ebs.VolumeId;
    }

    /// <summary>Whether EC2 still has the volume (after the instance's termination: only if it was kept).</summary>
    public async Task<bool> VolumeExistsAsync(string volumeId)
    {
        using var ec2 = Ec2();
        var response = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest());
        return (response.Volumes ?? []).Any(v => v.VolumeId == volumeId);
    }

    /// <summary>The instance's tag value, or null.</summary>
    public async Task<string?> TagAsync(string instanceId, string key)
    {
        using var ec2 = Ec2();
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return response.Reservations.Single().Instances.Single().Tags?.FirstOrDefault(t => t.Key == key)?.Value;
    }

    /// <summary>An instance profile holding a new role that EC2 may assume (<c>iam/encoder-instance-trust.json</c>), as the class instances get.</summary>
    public async Task CreateInstanceProfileAsync(string name, string roleName)
    {
        await IamAsync("CreateRole", new() { ["RoleName"] = roleName, ["AssumeRolePolicyDocument"] = IamPolicies.InstanceTrust });
        await IamAsync("CreateInstanceProfile", new() { ["InstanceProfileName"] = name });
        await IamAsync("AddRoleToInstanceProfile", new() { ["InstanceProfileName"] = name, ["RoleName"] = roleName });
    }

    /// <summary>
    /// An IAM query-API call as the admin. No AWS SDK for IAM is referenced, so the request is not signed: moto
    /// (here) checks the access key and the policies, not the signature (see <c>dev/moto-iam.py</c>). moto routes it
    /// to IAM by the credential scope's service name.
    /// </summary>
    private async Task<XDocument> IamAsync(string action, Dictionary<string, string> parameters)
    {
        parameters["Action"] = action;
        parameters["Version"] = "2010-05-08";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url)) { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "AWS4-HMAC-SHA256", $"Credential={Admin.AccessKeyId}/20260101/{Region}/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"IAM {action} failed ({(int)response.StatusCode}): {body}");
        return XDocument.Parse(body);
    }

    /// <summary>
    /// An SSM JSON-API call as the admin, unsigned as <see cref="IamAsync"/>, for what the SDK cannot read from moto:
    /// moto answers DescribeParameters' <c>PolicyText</c> as an object where AWS (and the SDK) has a string.
    /// </summary>
    public async Task<System.Text.Json.JsonDocument> SsmJsonAsync(string action, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url)) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", $"AmazonSSM.{action}");
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "AWS4-HMAC-SHA256", $"Credential={Admin.AccessKeyId}/20260101/{Region}/ssm/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"SSM {action} failed ({(int)response.StatusCode}): {text}");
        return System.Text.Json.JsonDocument.Parse(text);
    }

    /// <summary>
    /// The ClientToken each EC2 instance was run with, by instance id: read from moto's own model (<c>/moto-api/data.json</c>),
    /// since DescribeInstances does not return it and moto does not honour it (a repeated token starts another instance).
    /// </summary>
    public async Task<Dictionary<string, string?>> ClientTokensAsync()
    {
        using var response = await Http.GetAsync(new Uri($"{Url}/moto-api/data.json"));
        response.EnsureSuccessStatusCode();
        using var data = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return data.RootElement.GetProperty("ec2").GetProperty("Instance").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!, i => i.TryGetProperty("client_token", out var token) ? token.GetString() : null);
    }

    /// <summary>Forgets everything; only for a moto that does not enforce IAM (it would forget the admin too).</summary>
    public async Task ResetAsync()
    {
        if (Admin != Anyone)
            throw new InvalidOperationException("A reset would delete the IAM users of a moto that enforces IAM.");
        using var response = await Http.PostAsync(new Uri($"{Url}/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A client of this server's S3 as <paramref name="user"/> (the admin by default).</summary>
    public IAmazonS3 Client(AwsUser? user = null) => new AmazonS3Client(Credentials(user),
        new AmazonS3Config { ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = Region });

    IAmazonS3 IS3TestStore.AdminClient() => Client();

    private BasicAWSCredentials Credentials(AwsUser? user) => new((user ?? Admin).AccessKeyId, (user ?? Admin).SecretAccessKey);

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

/// <summary>An IAM user's name and access key.</summary>
internal sealed record AwsUser(string Name, string AccessKeyId, string SecretAccessKey);
