using System.Text.Json;

namespace Encoder.Tests.Provisioning;

/// <summary>The class instance's IAM policy grants exactly what the daemon does, and nothing else.</summary>
[Category("Deploy")]
public sealed class IamPolicyTests
{
    private static JsonElement[] Statements()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.Iam("encoder-instance-policy.json")));
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.Clone())];
    }

    private static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.GetString()!)] : [element.GetString()!];

    [Test]
    public void It_allows_storing_reading_back_and_listing_under_the_recordings_prefix_assuming_the_class_role_terminating_keeping_and_tagging_this_instance_reading_the_class_secrets_and_the_agents_logs_only()
    {
        var statements = Statements();

        Assert.That(statements.Select(s => s.GetProperty("Effect").GetString()), Is.All.EqualTo("Allow"));
        Assert.That(statements.SelectMany(s => Strings(s.GetProperty("Action"))), Is.EquivalentTo(new[]
        {
            "s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject", "s3:ListBucket", "sts:AssumeRole", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute", "ec2:CreateTags", "ssm:GetParameter", "kms:Decrypt",
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents",
        }));
    }

    /// <summary>
    /// EMF through the agent is log events (CloudWatch extracts the metrics from the log group), so no
    /// cloudwatch:PutMetricData; and only the /encoder/* log groups the agent's configuration and the EMF documents name.
    /// </summary>
    [Test]
    public void The_cloudwatch_agent_may_write_only_to_the_encoder_log_groups()
    {
        var logs = Statements().Single(s => Strings(s.GetProperty("Action")).All(a => a.StartsWith("logs:", StringComparison.Ordinal)));

        Assert.That(Strings(logs.GetProperty("Resource")), Is.EquivalentTo(new[]
        {
            "arn:aws:logs:*:*:log-group:/encoder/*", "arn:aws:logs:*:*:log-group:/encoder/*:log-stream:*",
        }));
        Assert.That(Encoder.Metrics.EmfDocument.LogGroupName, Does.StartWith("/encoder/"));
    }

    [Test]
    public void Secrets_are_read_only_under_the_encoder_parameter_path_and_decrypted_only_through_ssm()
    {
        var ssm = Statements().Single(s => Strings(s.GetProperty("Action")).SequenceEqual(["ssm:GetParameter"]));
        var kms = Statements().Single(s => Strings(s.GetProperty("Action")).SequenceEqual(["kms:Decrypt"]));

        Assert.That(Strings(ssm.GetProperty("Resource")), Is.EqualTo(new[] { "arn:aws:ssm:REPLACE_WITH_REGION:REPLACE_WITH_ACCOUNT_ID:parameter/encoder/*" }));
        Assert.That(kms.GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:ViaService").GetString(), Is.EqualTo("ssm.REPLACE_WITH_REGION.amazonaws.com"));
    }

    [Test]
    public void S3_objects_are_limited_to_the_placeholder_bucket_and_prefix_and_listing_to_that_prefix()
    {
        var s3 = Statements().Where(s => Strings(s.GetProperty("Action")).All(a => a.StartsWith("s3:", StringComparison.Ordinal))).ToList();
        var objects = s3.Where(s => !Strings(s.GetProperty("Action")).Contains("s3:ListBucket")).ToList();
        var list = s3.Single(s => Strings(s.GetProperty("Action")).SequenceEqual(["s3:ListBucket"]));

        Assert.That(objects.SelectMany(s => Strings(s.GetProperty("Resource"))).Distinct(), Is.EqualTo(new[] { "arn:aws:s3:::REPLACE_WITH_RECORDINGS_BUCKET/REPLACE_WITH_RECORDINGS_PREFIX/*" }));
        Assert.That(objects.Any(s => s.TryGetProperty("Condition", out _)), Is.False);
        Assert.That(Strings(list.GetProperty("Resource")), Is.EqualTo(new[] { "arn:aws:s3:::REPLACE_WITH_RECORDINGS_BUCKET" }));
        Assert.That(list.GetProperty("Condition").GetProperty("StringLike").GetProperty("s3:prefix").GetString(), Is.EqualTo("REPLACE_WITH_RECORDINGS_PREFIX/*"),
            "a session lists its own folder under the prefix, never the bucket");
    }

    [TestCase("ec2:TerminateInstances")]
    [TestCase("ec2:ModifyInstanceAttribute")]
    [TestCase("ec2:CreateTags")]
    public void Each_ec2_action_is_conditioned_on_the_calling_instance_being_the_target(string action)
    {
        var ec2 = Statements().Single(s => Strings(s.GetProperty("Action")).SequenceEqual([action]));

        Assert.That(Strings(ec2.GetProperty("Resource")), Is.EqualTo(new[] { "arn:aws:ec2:*:*:instance/*" }));
        Assert.That(ec2.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:ARN").GetString(), Is.EqualTo("${ec2:SourceInstanceARN}"));
    }

    [Test]
    public void The_only_tag_the_instance_may_set_is_its_pending_uploads_count()
    {
        var tags = Statements().Single(s => Strings(s.GetProperty("Action")).SequenceEqual(["ec2:CreateTags"]));

        Assert.That(Strings(tags.GetProperty("Condition").GetProperty("ForAllValues:StringEquals").GetProperty("aws:TagKeys")),
            Is.EqualTo(new[] { Encoder.Lifecycle.PendingUploadsKeeper.PendingTag }));
    }

    [Test]
    public void The_instance_may_assume_the_class_role_only_and_tags_no_session()
    {
        var assume = Statements().Single(s => Strings(s.GetProperty("Action")).Any(a => a.StartsWith("sts:", StringComparison.Ordinal)));

        Assert.That(Strings(assume.GetProperty("Action")), Is.EqualTo(new[] { "sts:AssumeRole" }));
        Assert.That(Strings(assume.GetProperty("Resource")), Is.EqualTo(new[] { "arn:aws:iam::REPLACE_WITH_ACCOUNT_ID:role/REPLACE_WITH_CLASS_ROLE_NAME" }));
    }
}
