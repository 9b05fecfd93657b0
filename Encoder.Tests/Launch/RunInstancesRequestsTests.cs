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
        Assert.That(run.InstanceType, Is.EqualTo(InstanceType.T3aXlarge));
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

    [Test]
    public void A_retried_launch_of_a_session_asks_with_the_same_client_token_so_ec2_starts_one_instance()
    {
        var first = RunInstancesRequests.Create(Request(), "#cloud-config\n", rootVolumeGiB: 15);
        var retry = RunInstancesRequests.Create(Request(), "#cloud-config\n", rootVolumeGiB: 15);

        Assert.That(first.ClientToken, Is.Not.Null.And.EqualTo(retry.ClientToken));
        Assert.That(first.ClientToken, Is.EqualTo("encoder-yoga-2026-11-23-1800/t3a.xlarge"));
    }

    [Test]
    public void Each_attempt_of_another_type_or_subnet_has_its_own_token_and_asks_for_that_type_and_subnet()
    {
        var request = Request("--subnet-id", "subnet-0123abcd", "--subnet-id", "subnet-4567ef01");
        var runs = request.Instance.Attempts.Take(3).Select(a => RunInstancesRequests.Create(request, "x", 15, a)).ToList();

        Assert.That(runs.Select(r => (r.InstanceType.Value, r.SubnetId, r.ClientToken)), Is.EqualTo(new[]
        {
            ("t3a.xlarge", "subnet-0123abcd", "encoder-yoga-2026-11-23-1800/t3a.xlarge/subnet-0123abcd"),
            ("t3a.xlarge", "subnet-4567ef01", "encoder-yoga-2026-11-23-1800/t3a.xlarge/subnet-4567ef01"),
            ("c5a.xlarge", "subnet-0123abcd", "encoder-yoga-2026-11-23-1800/c5a.xlarge/subnet-0123abcd"),
        }));
    }

    // type → the CreditSpecification RunInstances sends (null: none)
    [TestCase("t3a.micro", "unlimited")]
    [TestCase("t3.xlarge", "unlimited")]
    [TestCase("t2.micro", "unlimited")]
    [TestCase("c5a.xlarge", null)]
    [TestCase("m5d.large", null)]
    public void A_burstable_type_is_launched_with_unlimited_cpu_credits_so_it_is_never_throttled_below_real_time(string type, string? credits)
    {
        var run = RunInstancesRequests.Create(Request("--instance-type", type), "x");

        Assert.That(run.CreditSpecification?.CpuCredits, Is.EqualTo(credits));
    }

    private static string Token(string sessionId) => RunInstancesRequests.ClientToken(sessionId, new LaunchAttempt("t3a.micro", null));

    // (session id, its token): readable while it fits EC2's 64 characters; else its head and a digest of the whole id
    [TestCase("yoga", "encoder-yoga/t3a.micro")]
    [TestCase("a.b_c-D", "encoder-a.b_c-D/t3a.micro")]
    [TestCase("1234567890123456789012345678901234567890123456", "encoder-1234567890123456789012345678901234567890123456/t3a.micro")]
    public void The_client_token_is_the_session_id_and_the_type_while_it_fits(string sessionId, string token)
    {
        Assert.That(Token(sessionId), Is.EqualTo(token));
    }

    [TestCase(47)]
    [TestCase(100)]
    [TestCase(128)]
    public void A_long_session_ids_token_fits_64_ascii_characters_and_still_tells_sessions_apart(int length)
    {
        var session = new string('s', length - 1);
        var tokens = new[] { session + "a", session + "b" }.Select(Token).ToList();

        Assert.That(tokens, Is.All.Length.LessThanOrEqualTo(64).And.All.Match("^[\\x21-\\x7e]+$"));
        Assert.That(tokens[0], Is.Not.EqualTo(tokens[1]));
        Assert.That(tokens[0], Is.EqualTo(Token(session + "a")), "deterministic");
    }

    [Test]
    public void Sessions_and_attempts_never_share_a_token()
    {
        string[] sessions = ["yoga", "yoga-2", "Yoga", "yoga.", new string('y', 47), new string('y', 48), new string('y', 128)];
        LaunchAttempt[] attempts = [new("t3a.micro", null), new("t3.micro", null), new("t3a.micro", "subnet-0123abcd"), new("t3a.micro", "subnet-4567ef01")];

        Assert.That(sessions.SelectMany(s => attempts.Select(a => RunInstancesRequests.ClientToken(s, a))), Is.Unique);
    }
}
