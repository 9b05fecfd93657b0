using Encoder.Aws;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Aws;

public sealed class ClassCredentialsTests
{
    private static readonly ClassRole Yoga = ClassRole.Of("arn:aws:iam::123456789012:role/encoder-class", "yoga", "studio-recordings", "recordings/")!;

    [Test]
    public void Without_a_role_the_clients_get_the_default_chain_and_an_ec2_instance_is_warned_once()
    {
        var onEc2 = new ListLogger<ClassCredentialsTests>();
        var elsewhere = new ListLogger<ClassCredentialsTests>();

        Assert.That(ClassCredentials.For(null, "eu-west-1", onEc2, () => true), Is.Null);
        Assert.That(ClassCredentials.For(null, "eu-west-1", elsewhere, () => false), Is.Null);

        Assert.That(onEc2.Lines.Select(l => l.Level), Is.EqualTo(new[] { Microsoft.Extensions.Logging.LogLevel.Warning }));
        Assert.That(elsewhere.Lines, Is.Empty);
    }

    [Test]
    public void With_a_role_the_clients_get_the_assumed_roles_credentials()
    {
        Assert.That(ClassCredentials.For(Yoga, "eu-west-1", new ListLogger<ClassCredentialsTests>(), () => true), Is.TypeOf<AssumedClassRoleCredentials>());
    }

    [Test]
    public void Each_assume_role_carries_the_classs_session_policy_for_an_hour_under_the_sessions_name()
    {
        var request = AssumedClassRoleCredentials.Request(Yoga);

        Assert.That((request.RoleArn, request.RoleSessionName, request.DurationSeconds), Is.EqualTo(("arn:aws:iam::123456789012:role/encoder-class", "encoder-yoga", 3600)));
        Assert.That(request.Policy, Is.EqualTo(ClassSessionPolicy.Json(new ClassScope("aws", "yoga", "studio-recordings", "recordings/"))));
    }

    [Test]
    public void The_session_name_fits_sts_64_characters()
    {
        var role = ClassRole.Of("arn:aws:iam::123456789012:role/encoder-class", new string('s', 128), null, "")!;

        Assert.That(role.SessionName, Has.Length.EqualTo(64).And.StartWith("encoder-sss"));
        Assert.That(role.SessionName, Does.Match("^[\\w+=,.@-]+$"), "STS's RoleSessionName characters");
    }

    // (sys_vendor, board_asset_tag, hypervisor uuid) → EC2
    [TestCase("Amazon EC2\n", null, null, true)]
    [TestCase(null, "i-0123456789abcdef0\n", null, true)]
    [TestCase(null, null, "ec2e1916-9099-7caf-fd21-012345abcdef\n", true)]
    [TestCase("QEMU\n", null, null, false)]
    [TestCase("Dell Inc.\n", "   \n", "4c4c4544-0000\n", false)]
    [TestCase(null, null, null, false)]
    public void An_ec2_instance_is_known_by_its_firmware(string? vendor, string? assetTag, string? uuid, bool ec2)
    {
        var files = new Dictionary<string, string?>
        {
            ["/sys/devices/virtual/dmi/id/sys_vendor"] = vendor,
            ["/sys/devices/virtual/dmi/id/board_asset_tag"] = assetTag,
            ["/sys/hypervisor/uuid"] = uuid,
        };

        Assert.That(Ec2Hardware.Says(path => files.GetValueOrDefault(path)), Is.EqualTo(ec2));
    }
}
