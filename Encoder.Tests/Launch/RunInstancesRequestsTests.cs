using System.Text;
using Amazon.EC2;
using Encoder.Launch;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class RunInstancesRequestsTests
{
    private static LaunchRequest Request(params string[] extra) => LaunchArguments.Parse(Args(extra), Now).Request!;

    private static LaunchRequest RequestWith(string flag, string value) => LaunchArguments.Parse(ArgsWith(flag, value), Now).Request!;

    [Test]
    public void One_instance_from_the_ami_that_terminates_when_it_shuts_down_and_speaks_imdsv2_only()
    {
        var run = RunInstancesRequests.Create(Request(), "#cloud-config\n");

        Assert.That(run.ImageId, Is.EqualTo("ami-0123456789abcdef0"));
        Assert.That(run.InstanceType, Is.EqualTo(InstanceType.C5dXlarge));
        Assert.That((run.MinCount, run.MaxCount), Is.EqualTo((1, 1)));
        Assert.That(run.InstanceInitiatedShutdownBehavior, Is.EqualTo(ShutdownBehavior.Terminate));
        Assert.That(run.MetadataOptions.HttpTokens, Is.EqualTo(HttpTokensState.Required));
        Assert.That(run.MetadataOptions.HttpPutResponseHopLimit, Is.EqualTo(1), "a token cannot leave the instance's own network stack");
        Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(run.UserData)), Is.EqualTo("#cloud-config\n"));
    }

    [Test]
    public void The_instance_and_its_volume_carry_the_class_tags()
    {
        var run = RunInstancesRequests.Create(Request(), "#cloud-config\n");

        Assert.That(run.TagSpecifications.Select(t => t.ResourceType.Value), Is.EqualTo(new[] { "instance", "volume" }));
        foreach (var spec in run.TagSpecifications)
        {
            Assert.That(spec.Tags.ToDictionary(t => t.Key, t => t.Value), Is.EqualTo(new Dictionary<string, string>
            {
                ["Name"] = "encoder-yoga-2026-11-23-1800",
                ["encoder:session-id"] = "yoga-2026-11-23-1800",
                ["encoder:hard-stop-at"] = "2026-11-23T19:30:00Z",
            }));
        }
    }

    // Each case: the --instance-profile value, and the name or ARN RunInstances gets.
    [TestCase("encoder-class", "encoder-class", null)]
    [TestCase("arn:aws:iam::123456789012:instance-profile/encoder-class", null, "arn:aws:iam::123456789012:instance-profile/encoder-class")]
    public void The_instance_profile_goes_by_name_or_by_arn(string given, string? name, string? arn)
    {
        var run = RunInstancesRequests.Create(RequestWith("--instance-profile", given), "#cloud-config\n");

        Assert.That((run.IamInstanceProfile.Name, run.IamInstanceProfile.Arn), Is.EqualTo((name, arn)));
    }

    [Test]
    public void Network_placement_is_passed_only_when_given()
    {
        var plain = RunInstancesRequests.Create(Request(), "x");
        var placed = RunInstancesRequests.Create(Request("--subnet-id", "subnet-0123abcd", "--security-group-id", "sg-0123abcd", "--key-name", "ops"), "x");

        Assert.That((plain.SubnetId, plain.SecurityGroupIds, plain.KeyName), Is.EqualTo(((string?)null, (List<string>?)null, (string?)null)));
        Assert.That((placed.SubnetId, placed.SecurityGroupIds.Single(), placed.KeyName), Is.EqualTo(("subnet-0123abcd", "sg-0123abcd", "ops")));
    }
}
