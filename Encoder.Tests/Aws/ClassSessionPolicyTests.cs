using System.Text.Json;
using System.Text.RegularExpressions;
using Encoder.Aws;
using Encoder.Storage;

namespace Encoder.Tests.Aws;

/// <summary>
/// The session policy the daemon's class credentials carry, read as IAM reads it. moto accepts a session policy but
/// does not apply it (<c>/work/shared/aws-facts.md</c>), so what it allows is proven here, from its text: each
/// statement's resources matched with IAM's wildcard rule (<c>*</c> any run of characters, <c>?</c> one) against this
/// class's and its neighbours' keys and parameters.
/// </summary>
public sealed class ClassSessionPolicyTests
{
    private static readonly ClassScope Yoga = new("aws", "yoga", "studio-recordings", "recordings/");

    private sealed record Statement(string Sid, string[] Actions, string Resource, Dictionary<string, Dictionary<string, string>> Conditions);

    private static Statement[] Statements(string policy)
    {
        using var document = JsonDocument.Parse(policy);
        Assert.That(document.RootElement.GetProperty("Version").GetString(), Is.EqualTo("2012-10-17"));
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().Select(s =>
        {
            Assert.That(s.GetProperty("Effect").GetString(), Is.EqualTo("Allow"));
            Assert.That(s.TryGetProperty("NotAction", out _) || s.TryGetProperty("NotResource", out _), Is.False);
            var conditions = s.TryGetProperty("Condition", out var c)
                ? c.EnumerateObject().ToDictionary(o => o.Name, o => o.Value.EnumerateObject().ToDictionary(k => k.Name, k => k.Value.GetString()!))
                : [];
            return new Statement(s.GetProperty("Sid").GetString()!, [.. s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)], s.GetProperty("Resource").GetString()!, conditions);
        })];
    }

    /// <summary>IAM's wildcard match of a resource or a StringLike value.</summary>
    private static bool Matches(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.Singleline);

    /// <summary>Whether the policy allows <paramref name="action"/> on <paramref name="resource"/> with the request's condition values.</summary>
    private static bool Allows(string policy, string action, string resource, Dictionary<string, string>? context = null) =>
        Statements(policy).Any(s => s.Actions.Any(a => Matches(a, action)) && Matches(s.Resource, resource)
            && s.Conditions.All(op =>
            {
                Assert.That(op.Key, Is.EqualTo("StringLike"), "the only operator this reader knows");
                return op.Value.All(kv => context?.TryGetValue(kv.Key, out var actual) == true && Matches(kv.Value, actual));
            }));

    // (session, key in the bucket, allowed to PutObject): only the session's own folder, not a neighbour whose id starts the same
    [TestCase("yoga", "recordings/yoga/seg_00000.ts", true)]
    [TestCase("yoga", "recordings/yoga/logs/encoder.log", true)]
    [TestCase("yoga", "recordings/yoga/session.json", true)]
    [TestCase("yoga", "recordings/pilates/seg_00000.ts", false)]
    [TestCase("yoga", "recordings/yoga-advanced/seg_00000.ts", false)]
    [TestCase("yoga", "recordings/yoga", false)]
    [TestCase("yoga", "recordings/session.json", false)]
    [TestCase("yoga", "other/yoga/seg_00000.ts", false)]
    [TestCase("pilates", "recordings/pilates/index.m3u8", true)]
    [TestCase("pilates", "recordings/yoga/index.m3u8", false)]
    public void Objects_are_reachable_in_the_sessions_own_folder_only(string session, string key, bool allowed)
    {
        var policy = ClassSessionPolicy.Json(Yoga with { SessionId = session });

        foreach (var action in new[] { "s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts" })
            Assert.That(Allows(policy, action, $"arn:aws:s3:::studio-recordings/{key}"), Is.EqualTo(allowed), action);
        Assert.That(Allows(policy, "s3:PutObject", $"arn:aws:s3:::another-bucket/{key}"), Is.False, "another bucket");
    }

    [Test]
    public void No_object_may_be_deleted_nor_any_bucket_setting_touched()
    {
        var policy = ClassSessionPolicy.Json(Yoga);

        foreach (var action in new[] { "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutBucketPolicy", "s3:ListBucketMultipartUploads", "s3:ListAllMyBuckets" })
        {
            Assert.That(Allows(policy, action, "arn:aws:s3:::studio-recordings/recordings/yoga/seg_00000.ts"), Is.False, action);
            Assert.That(Allows(policy, action, "arn:aws:s3:::studio-recordings"), Is.False, action);
        }
    }

    // (s3:prefix of a ListObjects, allowed): inside the session's folder only; a listing without a prefix is refused
    [TestCase("recordings/yoga/", true)]
    [TestCase("recordings/yoga/seg_", true)]
    [TestCase("recordings/", false)]
    [TestCase("recordings/yoga", false)]
    [TestCase("recordings/pilates/", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void The_bucket_is_listed_inside_the_sessions_folder_only(string? prefix, bool allowed)
    {
        var policy = ClassSessionPolicy.Json(Yoga);
        var context = prefix is null ? [] : new Dictionary<string, string> { ["s3:prefix"] = prefix };

        Assert.That(Allows(policy, "s3:ListBucket", "arn:aws:s3:::studio-recordings", context), Is.EqualTo(allowed));
    }

    // (parameter, readable by yoga's credentials)
    [TestCase("/encoder/yoga/camera-url", true)]
    [TestCase("/encoder/yoga/ingest-primary", true)]
    [TestCase("/encoder/pilates/camera-url", false)]
    [TestCase("/encoder/yoga-advanced/camera-url", false)]
    [TestCase("/encoder/camera-url", false)]
    [TestCase("/studio/db-password", false)]
    public void Secrets_are_read_and_decrypted_for_the_sessions_own_parameters_only(string parameter, bool allowed)
    {
        var policy = ClassSessionPolicy.Json(Yoga);
        var arn = $"arn:aws:ssm:eu-west-1:123456789012:parameter{parameter}";

        Assert.That(Allows(policy, "ssm:GetParameter", arn), Is.EqualTo(allowed));
        Assert.That(Allows(policy, "kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            new() { ["kms:EncryptionContext:PARAMETER_ARN"] = arn }), Is.EqualTo(allowed), "KMS, through SSM's encryption context");
        Assert.That(Allows(policy, "ssm:PutParameter", arn), Is.False);
        Assert.That(Allows(policy, "ssm:GetParametersByPath", arn), Is.False);
    }

    [Test]
    public void Nothing_of_ec2_or_iam_or_sts_is_in_it_self_termination_stays_on_the_instance_role()
    {
        var actions = Statements(ClassSessionPolicy.Json(Yoga)).SelectMany(s => s.Actions).ToList();

        Assert.That(actions, Is.EquivalentTo(new[]
        {
            "s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucket", "ssm:GetParameter", "kms:Decrypt",
        }));
    }

    // (partition, what its ARNs start with)
    [TestCase("aws", "arn:aws:")]
    [TestCase("aws-cn", "arn:aws-cn:")]
    [TestCase("aws-us-gov", "arn:aws-us-gov:")]
    public void Every_arn_is_in_the_roles_partition(string partition, string arnStart)
    {
        var statements = Statements(ClassSessionPolicy.Json(Yoga with { Partition = partition }));

        Assert.That(statements.Select(s => s.Resource), Is.All.StartWith(arnStart));
        Assert.That(statements.SelectMany(s => s.Conditions.Values).SelectMany(c => c).Where(kv => kv.Key.StartsWith("kms:", StringComparison.Ordinal)).Select(kv => kv.Value),
            Is.All.StartWith(arnStart));
    }

    // (configured prefix, the session's folder): the store's own normalisation
    [TestCase("recordings/", "recordings/yoga/")]
    [TestCase("recordings", "recordings/yoga/")]
    [TestCase("a/b//", "a/b/yoga/")]
    [TestCase("", "yoga/")]
    public void The_prefix_is_normalised_as_the_store_writes_keys(string prefix, string folder)
    {
        var scope = Yoga with { Prefix = prefix };

        Assert.That(scope.KeyPrefix, Is.EqualTo(folder));
        Assert.That(scope.KeyPrefix, Is.EqualTo(StorageKeys.ObjectKey(prefix, StorageKeys.SessionFolder("yoga"))));
        Assert.That(Statements(ClassSessionPolicy.Json(scope)).First().Resource, Is.EqualTo($"arn:aws:s3:::studio-recordings/{folder}*"));
    }

    [Test]
    public void Without_a_bucket_only_the_secrets_are_reachable()
    {
        var statements = Statements(ClassSessionPolicy.Json(Yoga with { Bucket = null }));

        Assert.That(statements.SelectMany(s => s.Actions), Is.EquivalentTo(new[] { "ssm:GetParameter", "kms:Decrypt" }));
    }

    // a scope whose text IAM would read as reaching further: refused, never written
    [TestCase("aws", "yo*ga", "studio-recordings", "recordings/")]
    [TestCase("aws", "yoga", "studio-recordings", "rec?rdings/")]
    [TestCase("aws", "yoga", "studio-recordings", "${aws:username}/")]
    [TestCase("aws", "yoga", "studio-*", "recordings/")]
    [TestCase("aws", "yo/ga", "studio-recordings", "recordings/")]
    [TestCase("aws", "", "studio-recordings", "recordings/")]
    [TestCase("aws-mars", "yoga", "studio-recordings", "recordings/")]
    public void A_scope_that_would_widen_is_refused(string partition, string session, string bucket, string prefix)
    {
        var scope = new ClassScope(partition, session, bucket, prefix);

        Assert.That(scope.Problem, Is.Not.Null);
        Assert.Throws<ArgumentException>(() => ClassSessionPolicy.Json(scope));
    }

    [Test]
    public void The_same_scope_always_gives_the_same_text()
    {
        Assert.That(ClassSessionPolicy.Json(Yoga), Is.EqualTo(ClassSessionPolicy.Json(new ClassScope("aws", "yoga", "studio-recordings", "recordings"))));
    }

    /// <summary>AWS refuses a session policy over 2048 characters: the longest scope the configuration allows still fits.</summary>
    [Test]
    public void The_longest_scope_the_configuration_allows_fits_awss_limit()
    {
        var longest = new ClassScope("aws-us-gov", new string('s', 128), new string('b', 63), new string('p', ClassSessionPolicy.MaxPrefixLength));

        Assert.That(ClassSessionPolicy.Json(longest), Has.Length.LessThanOrEqualTo(ClassSessionPolicy.MaxLength));
        Assert.That(ClassSessionPolicy.Json(longest with { Prefix = new string('p', ClassSessionPolicy.MaxPrefixLength + 1) }), Has.Length.GreaterThan(ClassSessionPolicy.MaxLength),
            "the limit is as long as it can be");
    }
}
