using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.EC2.Model;
using Encoder.Launch;
using Encoder.Tests.Launch;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// <c>iam/encoder-launcher-policy.json</c> (the CMS's) allows what a class launch needs and nothing wider. Read here
/// as AWS reads it; moto enforces the StringEquals part (instance type, IMDSv2, the AMI, tagging only at creation, the
/// parameter path, the passed role: <c>LauncherAgainstMotoTests</c>), not the StringLike/ForAllValues tag conditions,
/// which rest on <see cref="The_launchers_own_request_meets_the_tag_conditions_and_a_request_without_them_does_not"/>.
/// </summary>
[Category("Deploy")]
public sealed class LauncherPolicyTests
{
    private sealed record Statement(string Sid, string[] Actions, string[] Resources, JsonElement? Condition);

    private static Statement[] Statements()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.Iam("encoder-launcher-policy.json")));
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().Select(s =>
        {
            Assert.That(s.GetProperty("Effect").GetString(), Is.EqualTo("Allow"));
            return new Statement(s.GetProperty("Sid").GetString()!, Strings(s.GetProperty("Action")), Strings(s.GetProperty("Resource")),
                s.TryGetProperty("Condition", out var c) ? c.Clone() : null);
        })];
    }

    private static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.GetString()!)] : [element.GetString()!];

    private static Statement RunInstancesOn(string resourceType) =>
        Statements().Single(s => s.Actions.SequenceEqual(["ec2:RunInstances"]) && s.Resources.Any(r => r.Contains($":{resourceType}/", StringComparison.Ordinal)));

    [Test]
    public void Nothing_is_allowed_on_every_resource_but_asking_about_instance_types_and_instances()
    {
        Assert.That(Statements().Where(s => s.Resources.Contains("*")).SelectMany(s => s.Actions), Is.EqualTo(new[] { "ec2:DescribeInstanceTypes", "ec2:DescribeInstances" }));
        Assert.That(Statements().SelectMany(s => s.Actions).Distinct(), Is.EquivalentTo(new[]
        {
            "ec2:RunInstances", "ec2:CreateTags", "ec2:DescribeInstanceTypes", "ec2:DescribeInstances", "iam:PassRole", "ssm:PutParameter", "kms:Encrypt", "kms:GenerateDataKey",
        }));
    }

    [Test]
    public void Instances_are_run_only_from_the_encoder_ami()
    {
        var images = Statements().Where(s => s.Actions.Contains("ec2:RunInstances")).SelectMany(s => s.Resources).Where(r => r.Contains(":image/", StringComparison.Ordinal));

        Assert.That(images, Is.EqualTo(new[] { "arn:aws:ec2:*::image/REPLACE_WITH_ENCODER_AMI_ID", "arn:aws:ec2:*::image/REPLACE_WITH_ENCODER_ARM64_AMI_ID" }),
            "the x86-64 AMI and the arm64 one (a deployer without Graviton deletes the second)");
    }

    [Test]
    public void Only_the_instance_types_the_launcher_picks_may_run_and_only_with_imdsv2_required()
    {
        var instance = RunInstancesOn("instance");
        var equals = instance.Condition!.Value.GetProperty("StringEquals");

        Assert.That(Strings(equals.GetProperty("ec2:InstanceType")), Is.EqualTo(InstanceSizing.Launchable.Select(c => c.InstanceType)));
        Assert.That(equals.GetProperty("ec2:MetadataHttpTokens").GetString(), Is.EqualTo("required"));
    }

    [TestCase("instance")]
    [TestCase("volume")]
    public void Instances_and_their_volumes_must_carry_the_class_tags_and_no_other(string resourceType)
    {
        var condition = RunInstancesOn(resourceType).Condition!.Value;
        var tags = RunInstancesRequests.Create(LaunchArguments.Parse(LaunchSamples.Args(), LaunchSamples.Now).Request!, "x").TagSpecifications
            .Single(t => t.ResourceType.Value == resourceType).Tags.Select(t => t.Key);

        Assert.That(Strings(condition.GetProperty("ForAllValues:StringEquals").GetProperty("aws:TagKeys")), Is.EquivalentTo(tags));
        Assert.That(condition.GetProperty("StringLike").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            $"aws:RequestTag/{RunInstancesRequests.SessionTag}", $"aws:RequestTag/{RunInstancesRequests.HardStopTag}",
        }));
    }

    [Test]
    public void Tags_are_created_only_by_the_launch_itself()
    {
        var tagging = Statements().Single(s => s.Actions.Contains("ec2:CreateTags"));

        Assert.That(tagging.Actions, Is.EqualTo(new[] { "ec2:CreateTags" }));
        Assert.That(tagging.Condition!.Value.GetProperty("StringEquals").GetProperty("ec2:CreateAction").GetString(), Is.EqualTo("RunInstances"));
    }

    [Test]
    public void Secrets_are_put_under_the_encoder_path_only_and_only_the_encoder_role_is_passed_to_ec2()
    {
        var put = Statements().Single(s => s.Actions.Contains("ssm:PutParameter"));
        var pass = Statements().Single(s => s.Actions.Contains("iam:PassRole"));

        Assert.That(put.Resources, Is.EqualTo(new[] { "arn:aws:ssm:*:REPLACE_WITH_ACCOUNT_ID:parameter/encoder/*" }));
        Assert.That(pass.Resources, Is.EqualTo(new[] { "arn:aws:iam::REPLACE_WITH_ACCOUNT_ID:role/REPLACE_WITH_ENCODER_ROLE_NAME" }));
        Assert.That(pass.Condition!.Value.GetProperty("StringEquals").GetProperty("iam:PassedToService").GetString(), Is.EqualTo("ec2.amazonaws.com"));
    }

    /// <summary>IAM's StringLike wildcards.</summary>
    private static bool Like(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");

    /// <summary>The instance statement's conditions, evaluated over a RunInstances request's tags, type and metadata options as AWS would.</summary>
    private static bool InstanceStatementAllows(RunInstancesRequest run)
    {
        var condition = RunInstancesOn("instance").Condition!.Value;
        var tags = run.TagSpecifications.Single(t => t.ResourceType.Value == "instance").Tags.ToDictionary(t => t.Key, t => t.Value);
        var context = new Dictionary<string, string?>
        {
            ["ec2:InstanceType"] = run.InstanceType?.Value,
            ["ec2:MetadataHttpTokens"] = run.MetadataOptions?.HttpTokens?.Value ?? "optional",
        };
        foreach (var (key, value) in tags)
            context[$"aws:RequestTag/{key}"] = value;

        var equals = condition.GetProperty("StringEquals").EnumerateObject().All(p => context.GetValueOrDefault(p.Name) is { } v && Strings(p.Value).Contains(v));
        var like = condition.GetProperty("StringLike").EnumerateObject().All(p => context.GetValueOrDefault(p.Name) is { } v && Strings(p.Value).Any(pattern => Like(pattern, v)));
        var keys = condition.GetProperty("ForAllValues:StringEquals").EnumerateObject().All(p => tags.Keys.All(Strings(p.Value).Contains));
        return equals && like && keys;
    }

    private static RunInstancesRequest Sample(params string[] extra) =>
        RunInstancesRequests.Create(LaunchArguments.Parse(LaunchSamples.Args(extra), LaunchSamples.Now).Request!, "#cloud-config\n");

    [Test]
    public void The_launchers_own_request_meets_the_tag_conditions_and_a_request_without_them_does_not()
    {
        var own = Sample();
        var untagged = Sample();
        untagged.TagSpecifications[0].Tags.RemoveAll(t => t.Key == RunInstancesRequests.SessionTag);
        var extraTag = Sample();
        extraTag.TagSpecifications[0].Tags.Add(new Tag("Owner", "someone-else"));
        var oddHardStop = Sample();
        oddHardStop.TagSpecifications[0].Tags.Single(t => t.Key == RunInstancesRequests.HardStopTag).Value = "never";
        var optionalTokens = Sample();
        optionalTokens.MetadataOptions.HttpTokens = Amazon.EC2.HttpTokensState.Optional;
        var bigger = Sample("--instance-type", "c5d.24xlarge");

        Assert.That(new[] { own, untagged, extraTag, oddHardStop, optionalTokens, bigger }.Select(InstanceStatementAllows),
            Is.EqualTo(new[] { true, false, false, false, false, false }));
    }
}
