using System.Text.Json.Nodes;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The project's IAM documents (<c>iam/*.json</c>), their placeholders filled, as CloudFormation would deploy them,
/// through cfn-lint: every action exists in its service (W3037) and every condition operator is one IAM knows (E3510).
/// This is where what moto does not evaluate (StringLike, ForAllValues, a misspelt action) is checked at all.
/// </summary>
[OneCoreEach]
[Category("Deploy")]
[Category("Integration")]
public sealed class IamPolicyLintTests
{
    private static string Filled(string file) =>
        File.ReadAllText(DeployFiles.Iam(file))
            .Replace("REPLACE_WITH_ACCOUNT_ID", "123456789012", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_REGION", "eu-west-1", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_RECORDINGS_BUCKET", "studio-recordings", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_RECORDINGS_PREFIX", "recordings", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_ROLE_NAME", "encoder-instance", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_CLASS_ROLE_NAME", "encoder-class-role", StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_AMI_ID", "ami-0123456789abcdef0", StringComparison.Ordinal);

    /// <summary>A template with one managed policy per policy file and the two roles with their trust policies.</summary>
    private static string Template(Func<string, string> policy)
    {
        JsonNode Policy(string file) => new JsonObject
        {
            ["Type"] = "AWS::IAM::ManagedPolicy",
            ["Properties"] = new JsonObject { ["PolicyDocument"] = JsonNode.Parse(policy(file)) },
        };
        JsonNode Role(string trustFile) => new JsonObject
        {
            ["Type"] = "AWS::IAM::Role",
            ["Properties"] = new JsonObject { ["AssumeRolePolicyDocument"] = JsonNode.Parse(policy(trustFile)) },
        };
        return new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Resources"] = new JsonObject
            {
                ["InstancePolicy"] = Policy("encoder-instance-policy.json"),
                ["LauncherPolicy"] = Policy("encoder-launcher-policy.json"),
                ["ClassPolicy"] = Policy("encoder-class-policy.json"),
                ["InstanceRole"] = Role("encoder-instance-trust.json"),
                ["ClassRole"] = Role("encoder-class-trust.json"),
            },
        }.ToJsonString();
    }

    [Test]
    public async Task Every_policy_passes_cfn_lint()
    {
        using var folder = DeployFiles.NewTempFolder();
        await File.WriteAllTextAsync(folder.File("iam.json"), Template(Filled));

        var result = await Tool.RunAsync("cfn-lint", [folder.File("iam.json")]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    // a mistake cfn-lint must catch, so the check above means something
    [TestCase("\"ec2:RunInstances\"", "\"ec2:RunInstance\"")]
    [TestCase("\"StringLike\"", "\"StringLikes\"")]
    [TestCase("\"ForAllValues:StringEquals\"", "\"ForAllValue:StringEquals\"")]
    public async Task Cfn_lint_is_real_it_rejects_a_misspelt_launcher_policy(string right, string wrong)
    {
        using var folder = DeployFiles.NewTempFolder();
        await File.WriteAllTextAsync(folder.File("iam.json"),
            Template(file => file == "encoder-launcher-policy.json" ? Filled(file).Replace(right, wrong, StringComparison.Ordinal) : Filled(file)));

        var result = await Tool.RunAsync("cfn-lint", [folder.File("iam.json")]);

        Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
    }
}
