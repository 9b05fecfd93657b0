namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The project's own IAM policies (<c>iam/*.json</c>) with their placeholders filled, for the users a test's
/// IAM-enforcing moto runs the daemon and the launcher as (<see cref="MotoServer.StartEnforcingIamAsync"/>).
/// </summary>
internal static class IamPolicies
{
    /// <summary>The test's own calls (create buckets, read what was stored, describe instances): everything.</summary>
    public const string Admin = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary><c>iam/encoder-instance-trust.json</c> as it is.</summary>
    public static string InstanceTrust => File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", "encoder-instance-trust.json"));

    /// <summary>
    /// <c>iam/encoder-instance-policy.json</c> for recordings under <c>s3://{bucket}/{prefix}</c> (the daemon's
    /// <c>Storage:Prefix</c>, e.g. <c>recordings/</c>), held by the role of the EC2 instance <paramref name="instanceId"/>.
    /// </summary>
    /// <remarks>
    /// AWS resolves the policy variable <c>${ec2:SourceInstanceARN}</c> per request, from the instance role's session;
    /// moto has neither instance roles nor policy variables, so a user stands in for the role and the variable is filled
    /// here with what AWS would resolve it to for that instance's requests. moto then checks the self-only condition
    /// (<c>aws:ARN</c>, which <c>dev/moto-iam.py</c> sets to the target instance's ARN) as AWS would. Without an instance
    /// (a daemon that is not to terminate anything) the variable stays as written and matches no instance.
    /// </remarks>
    public static string Instance(string bucket, string prefix, string? instanceId = null)
    {
        var policy = File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", "encoder-instance-policy.json"))
            .Replace("REPLACE_WITH_RECORDINGS_BUCKET", bucket, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_RECORDINGS_PREFIX", prefix.TrimEnd('/'), StringComparison.Ordinal)
            .Replace("REPLACE_WITH_REGION", MotoServer.Region, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ACCOUNT_ID", MotoServer.AccountId, StringComparison.Ordinal);
        return instanceId is null
            ? policy
            : policy.Replace("${ec2:SourceInstanceARN}", InstanceArn(instanceId), StringComparison.Ordinal);
    }

    /// <summary><c>iam/encoder-launcher-policy.json</c> allowed to pass the role <paramref name="roleName"/> of moto's account.</summary>
    public static string Launcher(string roleName) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", "encoder-launcher-policy.json"))
            .Replace("REPLACE_WITH_ACCOUNT_ID", MotoServer.AccountId, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_ROLE_NAME", roleName, StringComparison.Ordinal);

    public static string InstanceArn(string instanceId) => $"arn:aws:ec2:{MotoServer.Region}:{MotoServer.AccountId}:instance/{instanceId}";
}
