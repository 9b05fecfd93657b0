using System.Text.Json;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The class role (<c>iam/encoder-class-policy.json</c>, trusted by <c>iam/encoder-class-trust.json</c>): what the
/// daemon's S3 and SSM calls need and nothing of EC2, assumable by the instance role only.
/// </summary>
[Category("Deploy")]
public sealed class ClassRolePolicyTests
{
    private static JsonElement[] Statements(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.Iam(file)));
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.Clone())];
    }

    private static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.GetString()!)] : [element.GetString()!];

    private static string Service(JsonElement statement) => Strings(statement.GetProperty("Action"))[0].Split(':')[0];

    /// <summary>
    /// The daemon reaches S3 and SSM with the class role only when it is configured, with the instance role otherwise:
    /// the two grant the same there, so a grant added to one (e.g. s3:ListBucket on the session's prefix) is added to both.
    /// </summary>
    [Test]
    public void The_class_role_grants_for_s3_ssm_and_kms_exactly_what_the_instance_role_does()
    {
        static string Text(JsonElement s) => $"{string.Join(',', Strings(s.GetProperty("Action")))} on {string.Join(',', Strings(s.GetProperty("Resource")))} if {(s.TryGetProperty("Condition", out var c) ? c.GetRawText() : "")}";
        string[] services = ["s3", "ssm", "kms"];

        var instance = Statements("encoder-instance-policy.json").Where(s => services.Contains(Service(s))).Select(Text);
        var role = Statements("encoder-class-policy.json").Select(Text);

        Assert.That(role, Is.EquivalentTo(instance));
        Assert.That(Statements("encoder-class-policy.json").Select(s => s.GetProperty("Effect").GetString()), Is.All.EqualTo("Allow"));
    }

    [Test]
    public void Only_the_encoder_instance_role_may_assume_it_and_it_tags_no_session()
    {
        var trust = Statements("encoder-class-trust.json").Single();

        Assert.That(trust.GetProperty("Effect").GetString(), Is.EqualTo("Allow"));
        Assert.That(Strings(trust.GetProperty("Action")), Is.EqualTo(new[] { "sts:AssumeRole" }));
        Assert.That(trust.GetProperty("Principal").EnumerateObject().Select(p => (p.Name, p.Value.GetString())),
            Is.EqualTo(new[] { ("AWS", "arn:aws:iam::REPLACE_WITH_ACCOUNT_ID:role/REPLACE_WITH_ENCODER_ROLE_NAME") }));
    }
}
