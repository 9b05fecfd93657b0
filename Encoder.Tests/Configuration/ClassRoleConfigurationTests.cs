using Amazon.Runtime;
using Encoder.Aws;
using Encoder.Configuration;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

/// <summary><c>Encoder:Aws:ClassRoleArn</c>: optional; when set, an IAM role's ARN and a class its session policy can name.</summary>
public sealed class ClassRoleConfigurationTests
{
    /// <summary>No SSM wait in these tests: a wait would fail them.</summary>
    private static SecretWaitPolicy NoWait =>
        new(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), null, _ => Assert.Fail("nothing to wait for"));

    private static Dictionary<string, string?> S3(string? roleArn) => new(Valid())
    {
        ["Encoder:Storage:Kind"] = "s3",
        ["Encoder:Storage:Bucket"] = "studio-recordings",
        ["Encoder:Aws:ClassRoleArn"] = roleArn,
    };

    [Test]
    public void Without_it_nothing_changes_the_default_chain_is_used()
    {
        var result = EncoderConfiguration.Load(Build(S3(null)), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options.Aws.ClassRoleArn, Is.Null);
        Assert.That(SecretResolution.ClassRoleOf(Build(S3(null))), Is.Null);
    }

    [TestCase("arn:aws:iam::123456789012:role/encoder-class")]
    [TestCase("arn:aws:iam::123456789012:role/studio/encoder-class")]
    [TestCase("arn:aws-cn:iam::123456789012:role/encoder-class")]
    [TestCase("arn:aws-us-gov:iam::123456789012:role/encoder-class")]
    public void A_role_arn_is_taken(string arn)
    {
        Assert.That(EncoderConfiguration.Load(Build(S3(arn)), Now).Errors, Is.Empty);
    }

    [TestCase("encoder-class")]
    [TestCase("arn:aws:iam::123456789012:user/encoder-class")]
    [TestCase("arn:aws:iam::123456789012:instance-profile/encoder-class")]
    [TestCase("arn:aws:iam::12345:role/encoder-class")]
    [TestCase("arn:aws:iam::123456789012:role/*")]
    [TestCase("arn:aws:sts::123456789012:assumed-role/encoder-class/x")]
    public void Anything_but_a_role_arn_is_refused_naming_the_key(string arn)
    {
        Assert.That(EncoderConfiguration.Load(Build(S3(arn)), Now).Errors,
            Is.EqualTo(new[] { "Encoder:Aws:ClassRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/encoder-class" }));
    }

    [Test]
    public void A_prefix_that_iam_would_read_as_a_wildcard_is_refused_with_a_class_role()
    {
        var values = S3("arn:aws:iam::123456789012:role/encoder-class");
        values["Encoder:Storage:Prefix"] = "recordings/*/";

        Assert.That(EncoderConfiguration.Load(Build(values), Now).Errors, Has.One.StartWith("Encoder:Aws:ClassRoleArn: the class's session policy cannot be written: "));
    }

    [Test]
    public void A_prefix_too_long_for_awss_session_policy_limit_is_refused_with_a_class_role_only()
    {
        var values = S3("arn:aws:iam::123456789012:role/encoder-class");
        values["Encoder:Storage:Prefix"] = new string('p', ClassSessionPolicy.MaxPrefixLength + 1);
        var without = new Dictionary<string, string?>(values) { ["Encoder:Aws:ClassRoleArn"] = null };

        Assert.That(EncoderConfiguration.Load(Build(values), Now).Errors, Has.One.StartWith($"Encoder:Storage:Prefix: must be at most {ClassSessionPolicy.MaxPrefixLength} characters with Encoder:Aws:ClassRoleArn"));
        Assert.That(EncoderConfiguration.Load(Build(without), Now).Errors, Is.Empty);
    }

    /// <summary>The secrets are resolved before binding, from the keys as written: the same scope as the bound options give the S3 client.</summary>
    [TestCase("recordings/")]
    [TestCase("studio/vod")]
    [TestCase(null)]
    public void The_scope_read_before_binding_is_the_one_the_bound_options_give(string? prefix)
    {
        var values = S3("arn:aws-cn:iam::123456789012:role/encoder-class");
        if (prefix is not null)
            values["Encoder:Storage:Prefix"] = prefix;
        var options = EncoderConfiguration.Load(Build(values), Now).Options;

        var early = SecretResolution.ClassRoleOf(Build(values));

        Assert.That(early, Is.EqualTo(ClassRole.Of(options.Aws.ClassRoleArn, options.SessionId, options.Storage.Bucket, options.Storage.Prefix)));
        Assert.That(early!.Scope, Is.EqualTo(new ClassScope("aws-cn", "yoga-2026-11-23", "studio-recordings", prefix ?? "recordings/")));
    }

    [Test]
    public async Task The_secrets_are_read_with_the_class_roles_credentials_when_one_is_set()
    {
        var values = S3("arn:aws:iam::123456789012:role/encoder-class");
        values["Encoder:Camera:Url"] = "ssm:/encoder/yoga-2026-11-23/camera-url";
        values["Encoder:Storage:Region"] = "eu-west-1";
        AWSCredentials? given = null;

        var result = await SecretResolution.ResolveAsync(Build(values), credentials =>
        {
            given = credentials;
            return new OneParameter("rtsp://cam/s");
        }, NoWait);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(given, Is.TypeOf<AssumedClassRoleCredentials>());
        var request = AssumedClassRoleCredentials.Request(SecretResolution.ClassRoleOf(Build(values))!);
        Assert.That((request.RoleArn, request.RoleSessionName, request.DurationSeconds), Is.EqualTo(("arn:aws:iam::123456789012:role/encoder-class", "encoder-yoga-2026-11-23", 3600)));
        Assert.That(request.Policy, Is.EqualTo(ClassSessionPolicy.Json(new ClassScope("aws", "yoga-2026-11-23", "studio-recordings", "recordings/"))));
    }

    [Test]
    public async Task Without_a_class_role_the_secrets_are_read_with_the_default_chain()
    {
        var values = S3(null);
        values["Encoder:Camera:Url"] = "ssm:/encoder/yoga-2026-11-23/camera-url";
        var asked = false;

        var result = await SecretResolution.ResolveAsync(Build(values), credentials =>
        {
            asked = true;
            Assert.That(credentials, Is.Null);
            return new OneParameter("rtsp://cam/s");
        }, NoWait);

        Assert.That((result.IsValid, asked), Is.EqualTo((true, true)));
    }

    [Test]
    public async Task A_bad_role_arn_stops_before_any_secret_is_read_with_wider_credentials()
    {
        var values = S3("arn:aws:iam::123456789012:user/encoder-class");
        values["Encoder:Camera:Url"] = "ssm:/encoder/yoga-2026-11-23/camera-url";

        var result = await SecretResolution.ResolveAsync(Build(values), _ => throw new AssertionException("no SSM client may be made"), NoWait);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(result.Errors, Is.EqualTo(new[] { "Encoder:Aws:ClassRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/encoder-class" }));
    }

    private sealed class OneParameter(string value) : ISecretParameters
    {
        public Task<string> GetAsync(string name, CancellationToken cancellationToken) => Task.FromResult(value);
    }
}
