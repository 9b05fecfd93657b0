using System.Net;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3.Model;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Aws;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The daemon's class credentials (<see cref="AssumedClassRoleCredentials"/>) against moto enforcing IAM. What moto
/// enforces: the class role's trust policy and the caller's <c>sts:AssumeRole</c>, and the role's own policy on the
/// assumed credentials (its prefix, its parameter path, no EC2). What it does not: the session policy (accepted, not
/// applied; <c>/work/shared/aws-facts.md</c>), so "another class is denied" rests on the policy's text,
/// <c>ClassSessionPolicyTests</c> — and <see cref="Moto_does_not_apply_the_session_policy_so_the_other_class_rests_on_its_text"/> says so.
/// In moto a user stands in for the instance role (moto has no instance roles); the trust policy names that user.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Deploy")]
[Category("Integration")]
public sealed class ClassRoleAgainstMotoTests
{
    private const string Bucket = "studio-recordings";
    private const string Prefix = "recordings/";
    private MotoServer _moto = null!;
    private AwsUser _instance = null!;
    private string _roleArn = "";

    [OneTimeSetUp]
    public async Task StartMotoWithTheInstanceUserAndTheClassRole()
    {
        _moto = await MotoServer.StartEnforcingIamAsync();
        await _moto.CreateBucketAsync(Bucket);
        _instance = await _moto.CreateUserAsync("encoder-instance", IamPolicies.Instance(Bucket, Prefix, classRoleName: "encoder-class-role"));
        _roleArn = await _moto.CreateRoleAsync("encoder-class-role", IamPolicies.ClassTrust(MotoServer.UserArn(_instance)), IamPolicies.Class(Bucket, Prefix));
        using var ssm = _moto.Ssm();
        foreach (var session in new[] { "yoga", "pilates" })
            await ssm.PutParameterAsync(new PutParameterRequest { Name = $"/encoder/{session}/camera-url", Value = $"rtsp://u:pw@{session}/s", Type = ParameterType.SecureString, Overwrite = true });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/studio/db-password", Value = "hunter2", Type = ParameterType.SecureString, Overwrite = true });
    }

    [OneTimeTearDown]
    public async Task StopMoto() => await _moto.DisposeAsync();

    private AssumedClassRoleCredentials Yoga(AwsUser? caller = null) =>
        new(_moto.Sts(caller ?? _instance), ClassRole.Of(_roleArn, "yoga", Bucket, Prefix)!);

    private static async Task<AmazonServiceException> RefusedAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (AmazonServiceException refused)
        {
            return refused;
        }

        Assert.Fail("the call was allowed");
        throw new InvalidOperationException("unreachable");
    }

    [Test]
    public async Task The_daemons_store_and_secret_reader_work_with_the_class_roles_temporary_credentials()
    {
        var credentials = Yoga();
        using var s3 = _moto.Client(credentials);
        var store = new S3RecordingStore(s3, Bucket, Prefix, UploadResilience.Create(TimeSpan.FromSeconds(5), NullLogger.Instance), NullLogger<S3RecordingStore>.Instance);
        using var secrets = new SsmSecretParameters(_moto.Ssm(credentials));

        await store.PutBytesAsync("yoga/seg_00000.ts", new byte[188], ObjectHeaders.Segment, CancellationToken.None);
        var camera = await secrets.GetAsync("/encoder/yoga/camera-url", CancellationToken.None);

        var issued = await credentials.GetCredentialsAsync();
        Assert.That((issued.AccessKey[..4], issued.UseToken), Is.EqualTo(("ASIA", true)), "temporary credentials from AssumeRole, not the instance's keys");
        Assert.That(camera, Is.EqualTo("rtsp://u:pw@yoga/s"));
        Assert.That((await _moto.ListAsync(Bucket, "recordings/yoga/")).Select(o => o.Key), Does.Contain("recordings/yoga/seg_00000.ts"));
    }

    [Test]
    public async Task The_class_roles_credentials_are_held_to_the_roles_policy_no_other_prefix_bucket_path_nor_ec2()
    {
        await _moto.CreateBucketAsync("another-studio-bucket");
        var credentials = Yoga();
        using var s3 = _moto.Client(credentials);
        using var ssm = _moto.Ssm(credentials);
        using var ec2 = new Amazon.EC2.AmazonEC2Client(credentials, new Amazon.EC2.AmazonEC2Config { ServiceURL = _moto.Url, AuthenticationRegion = MotoServer.Region, MaxErrorRetry = 0 });
        var instance = await _moto.RunInstanceAsync();

        var elsewhere = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "other/yoga/seg_00000.ts", ContentBody = "x" }));
        var otherBucket = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "another-studio-bucket", Key = "recordings/yoga/x.ts", ContentBody = "x" }));
        var delete = await RefusedAsync(() => s3.DeleteObjectAsync(Bucket, "recordings/yoga/seg_00000.ts"));
        var studioSecret = await RefusedAsync(() => ssm.GetParameterAsync(new GetParameterRequest { Name = "/studio/db-password", WithDecryption = true }));
        var putSecret = await RefusedAsync(() => ssm.PutParameterAsync(new PutParameterRequest { Name = "/encoder/yoga/camera-url", Value = "rtsp://evil/s", Type = ParameterType.SecureString, Overwrite = true }));
        var terminate = await RefusedAsync(() => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance] }));

        Assert.That(new[] { elsewhere, otherBucket, delete, studioSecret, putSecret, terminate }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"), "self-termination stays on the instance role");
    }

    [Test]
    public async Task Only_the_trusted_instance_role_holding_sts_assume_role_may_assume_the_class_role()
    {
        var permittedNotTrusted = await _moto.CreateUserAsync("stranger",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{{_roleArn}}"}]}""");
        var trustedNotPermitted = await _moto.CreateUserAsync("no-assume", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}""");
        var secondRole = await _moto.CreateRoleAsync("encoder-class-role-2", IamPolicies.ClassTrust(MotoServer.UserArn(trustedNotPermitted)), IamPolicies.Class(Bucket, Prefix));
        AssumeRoleRequest Assume(string arn) => new() { RoleArn = arn, RoleSessionName = "encoder-yoga", Policy = ClassSessionPolicy.Json(new ClassScope("aws", "yoga", Bucket, Prefix)) };
        using var stranger = _moto.Sts(permittedNotTrusted);
        using var noAssume = _moto.Sts(trustedNotPermitted);
        using var instance = _moto.Sts(_instance);

        var notTrusted = await RefusedAsync(() => stranger.AssumeRoleAsync(Assume(_roleArn)));
        var notPermitted = await RefusedAsync(() => noAssume.AssumeRoleAsync(Assume(secondRole)));
        var otherRole = await RefusedAsync(() => instance.AssumeRoleAsync(Assume(secondRole)));
        var assumed = await instance.AssumeRoleAsync(Assume(_roleArn));

        Assert.That(new[] { notTrusted, notPermitted, otherRole }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(assumed.Credentials.AccessKeyId, Does.StartWith("ASIA"));
    }

    /// <summary>
    /// On AWS the session policy refuses these (ClassSessionPolicyTests proves it from the text); moto accepts the
    /// policy and does not apply it, so here the role's own scope (the whole prefix, all of /encoder/) is what holds.
    /// If moto ever applies session policies, this fails: turn it into the denial it then proves.
    /// </summary>
    [Test]
    public async Task Moto_does_not_apply_the_session_policy_so_the_other_class_rests_on_its_text()
    {
        var credentials = Yoga();
        using var s3 = _moto.Client(credentials);
        using var ssm = _moto.Ssm(credentials);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "recordings/pilates/seg_00000.ts", ContentBody = "x" });
        var pilates = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/encoder/pilates/camera-url", WithDecryption = true });

        Assert.That(pilates.Parameter.Value, Is.EqualTo("rtsp://u:pw@pilates/s"), "moto let the other class through: the session policy is not applied here");
    }

    /// <summary>The shipped (Native AOT) daemon with Encoder:Aws:ClassRoleArn resolves its secrets through STS and SSM as the class role.</summary>
    [Test]
    public async Task The_published_daemon_reads_its_secrets_with_the_class_role_and_names_a_refused_assume_role()
    {
        var binary = await PublishedEncoder.PathAsync();
        var untrusted = await _moto.CreateUserAsync("encoder-instance-untrusted", IamPolicies.Instance(Bucket, Prefix, classRoleName: "encoder-class-role"));
        async Task<ToolResult> RunAsync(AwsUser user)
        {
            using var folder = DeployFiles.NewTempFolder();
            var environment = _moto.EnvironmentFor(user);
            environment["DOTNET_ENVIRONMENT"] = "Production";
            return await Tool.RunAsync(binary,
            [
                "--Encoder:SessionId=yoga", "--Encoder:Camera:Url=ssm:/encoder/yoga/camera-url", "--Encoder:Ingest:Primary=ssm:/encoder/yoga/ingest-primary",
                "--Encoder:Storage:Kind=s3", $"--Encoder:Storage:Bucket={Bucket}", $"--Encoder:Aws:ClassRoleArn={_roleArn}",
                $"--Encoder:Recording:Directory={folder.Path}",
            ], environment, folder.Path);
        }

        var trusted = await RunAsync(_instance);
        var refused = await RunAsync(untrusted);

        Assert.That(trusted.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), trusted.Output);
        Assert.That(trusted.Output.Split('\n').Where(l => l.StartsWith("encoder: ", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "encoder: configuration error: Encoder:Ingest:Primary: the SSM parameter /encoder/yoga/ingest-primary does not exist (deleted, expired, or another region) (ParameterNotFound)",
        }), "the camera's reference resolved as the class role; only the missing one is named");
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), refused.Output);
        Assert.That(refused.Output, Does.Contain("Encoder:Camera:Url: the SSM parameter /encoder/yoga/camera-url may not be read or decrypted with this machine's credentials (AccessDenied)"));
    }
}
