using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The stand-in the AWS end-to-end tests run against (moto enforcing IAM, <see cref="MotoServer.StartEnforcingIamAsync"/>)
/// is as strict as the project's policies: what they do not grant is refused, so those tests cannot pass on a
/// permissive stand-in. The daemon's own S3 store is used where it is the one asking. SSM requests are authorised against
/// the parameter's ARN (<c>dev/moto-iam.py</c>); KMS is not evaluated (moto's SSM never calls it).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Deploy")]
[Category("Integration")]
public sealed class PoliciesAgainstMotoTests
{
    private const string Bucket = "studio-recordings";
    private const string Prefix = "recordings/";
    private const int MinimumPart = 5 * 1024 * 1024;
    private MotoServer _moto = null!;
    private AwsUser _instance = null!;
    private string _work = "";

    [OneTimeSetUp]
    public async Task StartMotoWithTheInstanceUser()
    {
        _moto = await MotoServer.StartEnforcingIamAsync();
        await _moto.CreateBucketAsync(Bucket);
        await _moto.CreateBucketAsync("another-studio-bucket");
        _instance = await _moto.CreateUserAsync("encoder-instance", IamPolicies.Instance(Bucket, Prefix));
        _work = Directory.CreateTempSubdirectory("encoder-policies-").FullName;
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        await _moto.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private static S3RecordingStore Store(IAmazonS3 s3) =>
        new(s3, Bucket, Prefix, UploadResilience.Create(TimeSpan.FromSeconds(5), NullLogger.Instance),
            NullLogger<S3RecordingStore>.Instance, multipartThreshold: MinimumPart, partSize: MinimumPart);

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
    public async Task The_instance_policy_lets_the_daemon_store_under_its_prefix_including_in_parts_and_neither_read_nor_list_elsewhere_nor_delete()
    {
        using var s3 = _moto.Client(_instance);
        var store = Store(s3);
        var segment = Path.Combine(_work, "seg_00000.ts");
        await File.WriteAllBytesAsync(segment, new byte[188 * 100]);
        var log = Path.Combine(_work, "encoder.log");
        await File.WriteAllBytesAsync(log, new byte[MinimumPart + 1000]);

        await store.PutFileAsync("yoga/seg_00000.ts", segment, ObjectHeaders.Segment, CancellationToken.None);
        await store.PutFileAsync("yoga/logs/encoder.log", log, ObjectHeaders.Log, CancellationToken.None);

        Assert.That((await _moto.ListAsync(Bucket)).Select(o => o.Key), Is.EquivalentTo(new[] { "recordings/yoga/seg_00000.ts", "recordings/yoga/logs/encoder.log" }));
        var elsewhere = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "other/seg_00000.ts", ContentBody = "x" }));
        var otherBucket = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "another-studio-bucket", Key = "recordings/yoga/seg_00000.ts", ContentBody = "x" }));
        var readElsewhere = await RefusedAsync(() => s3.GetObjectAsync(Bucket, "other/seg_00000.ts"));
        var list = await RefusedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket }));
        var listElsewhere = await RefusedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "other/" }));
        var delete = await RefusedAsync(() => s3.DeleteObjectAsync(Bucket, "recordings/yoga/seg_00000.ts"));
        Assert.That(new[] { elsewhere, otherBucket, readElsewhere, list, listElsewhere, delete }.Select(e => (e.StatusCode, e.ErrorCode)),
            Is.All.EqualTo((HttpStatusCode.Forbidden, "AccessDenied")));
        Assert.That(await _moto.GetAsync(Bucket, "recordings/yoga/seg_00000.ts"), Is.EqualTo(await File.ReadAllBytesAsync(segment)), "the refused delete left it");
    }

    [Test]
    public async Task Under_the_instance_policy_the_daemon_reads_back_and_lists_what_its_prefix_holds_never_replaces_a_segment_and_may_not_list_unfinished_uploads()
    {
        using var s3 = _moto.Client(_instance);
        var store = Store(s3);
        var segment = Path.Combine(_work, "seg_00007.ts");
        await File.WriteAllBytesAsync(segment, new byte[188 * 10]);
        var other = Path.Combine(_work, "seg_00007-other.ts");
        await File.WriteAllBytesAsync(other, Enumerable.Repeat((byte)0x47, 188 * 10).ToArray());
        await store.PutFileAsync("pilates/seg_00007.ts", segment, ObjectHeaders.Segment, CancellationToken.None);
        var etag = (await _moto.ListAsync(Bucket, "recordings/pilates/")).Single().ETag;

        var listed = await store.ListAsync("pilates/", CancellationToken.None);
        var read = await store.ReadAsync("pilates/seg_00007.ts", CancellationToken.None);
        var missing = await store.ReadAsync("pilates/seg_00008.ts", CancellationToken.None);
        var md5 = await store.StoredMd5Async("pilates/seg_00007.ts", CancellationToken.None);
        var replace = Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutFileAsync("pilates/seg_00007.ts", other, ObjectHeaders.Segment, CancellationToken.None));
        var recover = Assert.ThrowsAsync<StorageUnavailableException>(() => store.RecoverAsync("pilates/", new HashSet<string>(), CancellationToken.None));
        // A segment big enough to go up in parts: the condition is on the completion.
        var big = Path.Combine(_work, "seg_00009.ts");
        await File.WriteAllBytesAsync(big, new byte[MinimumPart + 1000]);
        var bigOther = Path.Combine(_work, "seg_00009-other.ts");
        await File.WriteAllBytesAsync(bigOther, Enumerable.Repeat((byte)0x47, MinimumPart + 1000).ToArray());
        await store.PutFileAsync("pilates/seg_00009.ts", big, ObjectHeaders.Segment, CancellationToken.None);
        var bigEtag = (await _moto.ListAsync(Bucket, "recordings/pilates/seg_00009")).Single().ETag;
        var replaceInParts = Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutFileAsync("pilates/seg_00009.ts", bigOther, ObjectHeaders.Segment, CancellationToken.None));

        Assert.That(replaceInParts!.Exists, Is.True, replaceInParts.Message);
        Assert.That((await _moto.ListAsync(Bucket, "recordings/pilates/seg_00009")).Single().ETag, Is.EqualTo(bigEtag), "the segment stored in parts was not replaced");
        Assert.That(listed.Select(o => (o.Key, o.Md5, o.Size)), Is.EqualTo(new[] { ("pilates/seg_00007.ts", (string?)ContentMd5.Hex(File.ReadAllBytes(segment)), 1880L) }));
        Assert.That((read, missing, md5), Is.EqualTo((File.ReadAllBytes(segment), (byte[]?)null, ContentMd5.Hex(File.ReadAllBytes(segment)))));
        Assert.That((replace!.Exists, replace.Transient, replace.StorageWide), Is.EqualTo((true, false, false)), replace.Message);
        Assert.That((await _moto.ListAsync(Bucket, "recordings/pilates/seg_00007")).Single().ETag, Is.EqualTo(etag), "the stored segment was not replaced");
        Assert.That((recover!.Denied, recover.Transient), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task The_instance_policy_reads_the_class_secrets_under_the_encoder_path_only_and_may_not_write_them()
    {
        using var admin = _moto.Ssm();
        await admin.PutParameterAsync(new PutParameterRequest { Name = "/encoder/yoga/camera-url", Value = "rtsp://u:pw@cam/s", Type = ParameterType.SecureString, Overwrite = true });
        await admin.PutParameterAsync(new PutParameterRequest { Name = "/studio/db-password", Value = "hunter2", Type = ParameterType.SecureString, Overwrite = true });
        using var ssm = _moto.Ssm(_instance);

        var read = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/encoder/yoga/camera-url", WithDecryption = true });
        var elsewhere = await RefusedAsync(() => ssm.GetParameterAsync(new GetParameterRequest { Name = "/studio/db-password", WithDecryption = true }));
        var put = await RefusedAsync(() => ssm.PutParameterAsync(new PutParameterRequest { Name = "/encoder/yoga/camera-url", Value = "rtsp://evil/s", Type = ParameterType.SecureString, Overwrite = true }));
        var delete = await RefusedAsync(() => ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = "/encoder/yoga/camera-url" }));
        var list = await RefusedAsync(() => ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/encoder", Recursive = true }));

        Assert.That(read.Parameter.Value, Is.EqualTo("rtsp://u:pw@cam/s"));
        Assert.That(new[] { elsewhere, put, delete, list }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task The_launcher_policy_puts_secrets_under_the_encoder_path_only_and_may_not_read_them_back()
    {
        var launcher = await _moto.CreateUserAsync("encoder-launcher-ssm", IamPolicies.Launcher("encoder-instance"));
        using var ssm = _moto.Ssm(launcher);
        PutParameterRequest Put(string name) => new() { Name = name, Value = "rtmp://i/app/key", Type = ParameterType.SecureString, Tier = ParameterTier.Advanced, Overwrite = true };

        await ssm.PutParameterAsync(Put("/encoder/pilates/ingest-primary"));
        var elsewhere = await RefusedAsync(() => ssm.PutParameterAsync(Put("/studio/ingest-primary")));
        var read = await RefusedAsync(() => ssm.GetParameterAsync(new GetParameterRequest { Name = "/encoder/pilates/ingest-primary", WithDecryption = true }));

        Assert.That(new[] { elsewhere, read }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        using var admin = _moto.Ssm();
        Assert.That((await admin.GetParameterAsync(new GetParameterRequest { Name = "/encoder/pilates/ingest-primary", WithDecryption = true })).Parameter.Value, Is.EqualTo("rtmp://i/app/key"));
    }

    [Test]
    public async Task Unknown_credentials_are_refused()
    {
        using var s3 = _moto.Client(new AwsUser("nobody", "AKIAUNKNOWN000000000", "not-a-secret"));
        using var ec2 = _moto.Ec2(new AwsUser("nobody", "AKIAUNKNOWN000000000", "not-a-secret"));

        var put = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "recordings/yoga/x.ts", ContentBody = "x" }));
        var describe = await RefusedAsync(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest()));

        Assert.That((put.ErrorCode, describe.ErrorCode), Is.EqualTo(("InvalidAccessKeyId", "AuthFailure")));
    }

    [Test]
    public async Task The_instance_policy_lets_an_instance_terminate_itself_and_no_other()
    {
        var self = await _moto.RunInstanceAsync();
        var other = await _moto.RunInstanceAsync();
        var role = await _moto.CreateUserAsync($"encoder-instance-{self}", IamPolicies.Instance(Bucket, Prefix, self));
        using var ec2 = _moto.Ec2(role);

        var terminateOther = await RefusedAsync(() => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [other] }));
        var terminateBoth = await RefusedAsync(() => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [self, other] }));
        var describe = await RefusedAsync(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest()));
        var terminated = await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [self] });

        Assert.That(new[] { terminateOther, terminateBoth, describe }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(terminated.TerminatingInstances.Single().InstanceId, Is.EqualTo(self));
        Assert.That(await _moto.StateOfAsync(other), Is.EqualTo("running"));
    }

    [Test]
    public async Task The_instance_policy_lets_an_instance_keep_its_own_root_volume_and_tag_itself_and_no_other()
    {
        var self = await _moto.RunInstanceAsync();
        var other = await _moto.RunInstanceAsync();
        var role = await _moto.CreateUserAsync($"encoder-instance-keep-{self}", IamPolicies.Instance(Bucket, Prefix, self));
        using var ec2 = _moto.Ec2(role);
        ModifyInstanceAttributeRequest Keep(string id) => new()
        {
            InstanceId = id,
            BlockDeviceMappings = [new InstanceBlockDeviceMappingSpecification { DeviceName = MotoServer.RootDevice, Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = false } }],
        };
        CreateTagsRequest Tag(string id) => new() { Resources = [id], Tags = [new Amazon.EC2.Model.Tag(Encoder.Lifecycle.PendingUploadsKeeper.PendingTag, "3")] };

        var keepOther = await RefusedAsync(() => ec2.ModifyInstanceAttributeAsync(Keep(other)));
        var tagOther = await RefusedAsync(() => ec2.CreateTagsAsync(Tag(other)));
        await ec2.ModifyInstanceAttributeAsync(Keep(self));
        await ec2.CreateTagsAsync(Tag(self));

        Assert.That(new[] { keepOther, tagOther }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _moto.RootVolumeDeletedOnTerminationAsync(self), Is.False);
        Assert.That(await _moto.RootVolumeDeletedOnTerminationAsync(other), Is.True);
        Assert.That(await _moto.TagAsync(self, Encoder.Lifecycle.PendingUploadsKeeper.PendingTag), Is.EqualTo("3"));
        Assert.That(await _moto.TagAsync(other, Encoder.Lifecycle.PendingUploadsKeeper.PendingTag), Is.Null);
    }

    [Test]
    public async Task The_launcher_policy_runs_instances_with_the_encoder_role_only_and_may_not_terminate_them_or_touch_the_recordings()
    {
        await _moto.CreateInstanceProfileAsync("encoder-class", "encoder-instance");
        await _moto.CreateInstanceProfileAsync("admin-class", "admin-instance");
        var launcher = await _moto.CreateUserAsync("encoder-launcher", IamPolicies.Launcher("encoder-instance"));
        using var ec2 = _moto.Ec2(launcher);
        using var s3 = _moto.Client(launcher);
        RunInstancesRequest Run(string profile) => new()
        {
            ImageId = IamPolicies.EncoderAmi, MinCount = 1, MaxCount = 1, InstanceType = InstanceType.C5dLarge,
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = profile },
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required },
        };

        var instance = (await ec2.RunInstancesAsync(Run("encoder-class"))).Reservation.Instances.Single().InstanceId;
        var otherRole = await RefusedAsync(() => ec2.RunInstancesAsync(Run("admin-class")));
        var terminate = await RefusedAsync(() => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance] }));
        var put = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "recordings/yoga/x.ts", ContentBody = "x" }));

        Assert.That(new[] { otherRole, terminate, put }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
    }

    /// <summary>
    /// What moto enforces of the launcher policy's RunInstances conditions (StringEquals, <c>dev/moto-iam.py</c>): the
    /// AMI, the instance type, IMDSv2, tagging only at creation. The tag conditions (StringLike, ForAllValues) it does
    /// not evaluate: <see cref="LauncherPolicyTests"/> reads them.
    /// </summary>
    [Test]
    public async Task The_launcher_policy_runs_only_the_encoder_ami_at_the_launchers_sizes_with_imdsv2_and_tags_only_while_launching()
    {
        await _moto.CreateInstanceProfileAsync("encoder-class-6", "encoder-instance-6");
        var launcher = await _moto.CreateUserAsync("encoder-launcher-6", IamPolicies.Launcher("encoder-instance-6"));
        using var ec2 = _moto.Ec2(launcher);
        RunInstancesRequest Run(Action<RunInstancesRequest>? change = null)
        {
            var request = new RunInstancesRequest
            {
                ImageId = IamPolicies.EncoderAmi, MinCount = 1, MaxCount = 1, InstanceType = InstanceType.C5dXlarge,
                IamInstanceProfile = new IamInstanceProfileSpecification { Name = "encoder-class-6" },
                MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required, HttpPutResponseHopLimit = 1 },
                TagSpecifications = [new TagSpecification { ResourceType = Amazon.EC2.ResourceType.Instance, Tags = [new Amazon.EC2.Model.Tag("encoder:session-id", "yoga")] }],
            };
            change?.Invoke(request);
            return request;
        }

        var instance = (await ec2.RunInstancesAsync(Run())).Reservation.Instances.Single().InstanceId;
        var otherAmi = await RefusedAsync(() => ec2.RunInstancesAsync(Run(r => r.ImageId = MotoServer.ImageId)));
        var otherType = await RefusedAsync(() => ec2.RunInstancesAsync(Run(r => r.InstanceType = InstanceType.P4d24xlarge)));
        var imdsv1 = await RefusedAsync(() => ec2.RunInstancesAsync(Run(r => r.MetadataOptions.HttpTokens = HttpTokensState.Optional)));
        var noMetadataOptions = await RefusedAsync(() => ec2.RunInstancesAsync(Run(r => r.MetadataOptions = null)));
        var retag = await RefusedAsync(() => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [instance], Tags = [new Amazon.EC2.Model.Tag("encoder:session-id", "pilates")] }));

        Assert.That(new[] { otherAmi, otherType, imdsv1, noMetadataOptions, retag }.Select(e => e.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _moto.TagAsync(instance, "encoder:session-id"), Is.EqualTo("yoga"));
    }
}
