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
    public static string Instance(string bucket, string prefix, string? instanceId = null, string classRoleName = "encoder-class-role")
    {
        var policy = Filled("encoder-instance-policy.json", bucket, prefix)
            .Replace("REPLACE_WITH_CLASS_ROLE_NAME", classRoleName, StringComparison.Ordinal);
        return instanceId is null
            ? policy
            : policy.Replace("${ec2:SourceInstanceARN}", InstanceArn(instanceId), StringComparison.Ordinal);
    }

    /// <summary>The AMI the launcher tests launch, filled in as the Encoder AMI.</summary>
    public const string EncoderAmi = "ami-0123456789abcdef0";

    /// <summary>The arm64 AMI the launcher tests launch Graviton types from.</summary>
    public const string EncoderArm64Ami = "ami-0fedcba9876543210";

    /// <summary>
    /// <c>iam/encoder-launcher-policy.json</c> allowed to pass the role <paramref name="roleName"/> of moto's account
    /// and to run <see cref="EncoderAmi"/>; <paramref name="extraInstanceTypes"/> are added to the types it may run,
    /// as a deployer adds those it passes with <c>--instance-type</c>.
    /// </summary>
    public static string Launcher(string roleName, params string[] extraInstanceTypes) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", "encoder-launcher-policy.json"))
            .Replace("REPLACE_WITH_ACCOUNT_ID", MotoServer.AccountId, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_ROLE_NAME", roleName, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_AMI_ID", EncoderAmi, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ENCODER_ARM64_AMI_ID", EncoderArm64Ami, StringComparison.Ordinal)
            .Replace("\"ec2:InstanceType\": [", "\"ec2:InstanceType\": [" + string.Concat(extraInstanceTypes.Select(t => $"\"{t}\", ")), StringComparison.Ordinal);

    /// <summary><c>iam/encoder-class-policy.json</c> (the class role's) for recordings under <c>s3://{bucket}/{prefix}</c>.</summary>
    public static string Class(string bucket, string prefix) => Filled("encoder-class-policy.json", bucket, prefix);

    /// <summary>
    /// <c>iam/encoder-class-trust.json</c> trusting <paramref name="instanceArn"/>: on AWS the instance role's ARN; in
    /// moto, which has no instance roles, the ARN of the user that stands in for it.
    /// </summary>
    public static string ClassTrust(string instanceArn) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", "encoder-class-trust.json"))
            .Replace($"arn:aws:iam::REPLACE_WITH_ACCOUNT_ID:role/REPLACE_WITH_ENCODER_ROLE_NAME", instanceArn, StringComparison.Ordinal);

    private static string Filled(string file, string bucket, string prefix) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "iam", file))
            .Replace("REPLACE_WITH_RECORDINGS_BUCKET", bucket, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_RECORDINGS_PREFIX", prefix.TrimEnd('/'), StringComparison.Ordinal)
            .Replace("REPLACE_WITH_REGION", MotoServer.Region, StringComparison.Ordinal)
            .Replace("REPLACE_WITH_ACCOUNT_ID", MotoServer.AccountId, StringComparison.Ordinal);

    public static string InstanceArn(string instanceId) => $"arn:aws:ec2:{MotoServer.Region}:{MotoServer.AccountId}:instance/{instanceId}";
}
