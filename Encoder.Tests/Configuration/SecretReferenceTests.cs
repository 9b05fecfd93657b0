using Encoder.Configuration;

namespace Encoder.Tests.Configuration;

public sealed class SecretReferenceTests
{
    // value → what it is, the parameter it names, the start of the problem
    [TestCase("rtsp://viewer:pw@10.0.0.5/stream1", SecretValueKind.Plain, null, null)]
    [TestCase("rtmp://a.example.com/live/key", SecretValueKind.Plain, null, null)]
    [TestCase("", SecretValueKind.Plain, null, null)]
    [TestCase(null, SecretValueKind.Plain, null, null)]
    [TestCase("ssmx:/encoder/a", SecretValueKind.Plain, null, null)]
    [TestCase("ssm:/encoder/yoga-2026/camera-url", SecretValueKind.Reference, "/encoder/yoga-2026/camera-url", null)]
    [TestCase("SSM:/encoder/a.b_c-d/ingest-primary", SecretValueKind.Reference, "/encoder/a.b_c-d/ingest-primary", null)]
    [TestCase("ssm:/camera", SecretValueKind.Reference, "/camera", null)]
    [TestCase("ssm:", SecretValueKind.Invalid, null, "names no SSM parameter")]
    [TestCase("ssm:encoder/a/camera-url", SecretValueKind.Invalid, null, "must name the parameter by its full path")]
    [TestCase("ssm://encoder/a", SecretValueKind.Invalid, null, "names a parameter with an empty path segment")]
    [TestCase("ssm:/encoder/a/", SecretValueKind.Invalid, null, "names a parameter with an empty path segment")]
    [TestCase("ssm:/encoder/a b", SecretValueKind.Invalid, null, "names a parameter with characters SSM does not allow")]
    [TestCase("ssm:/encoder/a?x=1", SecretValueKind.Invalid, null, "names a parameter with characters SSM does not allow")]
    [TestCase("ssm:/aws/reference/secretsmanager/x", SecretValueKind.Invalid, null, "names a parameter under /aws or /ssm")]
    [TestCase("ssm:/SSM/x", SecretValueKind.Invalid, null, "names a parameter under /aws or /ssm")]
    [TestCase("ssm:/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", SecretValueKind.Invalid, null, "names a parameter more than 15 levels deep")]
    public void A_value_is_a_plain_secret_a_reference_or_a_malformed_reference(string? value, SecretValueKind kind, string? name, string? problem)
    {
        var parsed = SecretReference.Parse(value);

        Assert.That((parsed.Kind, parsed.ParameterName), Is.EqualTo((kind, name)));
        if (problem is null)
            Assert.That(parsed.Problem, Is.Null);
        else
            Assert.That(parsed.Problem, Does.StartWith(problem));
    }

    [Test]
    public void A_name_longer_than_ssm_allows_is_malformed()
    {
        var parsed = SecretReference.Parse("ssm:/" + new string('a', SecretReference.MaxNameLength));

        Assert.That(parsed.Problem, Does.Contain("longer than SSM's 1011 characters"));
    }

    [Test]
    public void Formatting_a_name_gives_the_reference_that_parses_back_to_it()
    {
        Assert.That(SecretReference.Parse(SecretReference.Format("/encoder/x/camera-url")).ParameterName, Is.EqualTo("/encoder/x/camera-url"));
    }
}
