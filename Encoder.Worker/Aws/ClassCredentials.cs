using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Logging;

namespace Encoder.Aws;

/// <summary>
/// The class role the daemon assumes for its S3 and SSM calls (<c>Encoder:Aws:ClassRoleArn</c>), and the one class it
/// may reach with it (<see cref="ClassSessionPolicy"/>).
/// </summary>
public sealed partial record ClassRole(string RoleArn, ClassScope Scope)
{
    /// <summary>STS's cap for a role assumed with another role's credentials (role chaining): one hour. <see cref="AssumedClassRoleCredentials"/> renews before it ends.</summary>
    public static readonly TimeSpan SessionDuration = TimeSpan.FromHours(1);

    /// <summary>The role for these settings, or null when no role is configured (the SDK's default chain is then used, as before the class role).</summary>
    /// <exception cref="ArgumentException"><paramref name="roleArn"/> is not an IAM role's ARN.</exception>
    public static ClassRole? Of(string? roleArn, string sessionId, string? bucket, string? prefix)
    {
        if (string.IsNullOrWhiteSpace(roleArn))
            return null;
        var partition = PartitionOf(roleArn) ?? throw new ArgumentException($"'{roleArn}' is not an IAM role ARN", nameof(roleArn));
        return new ClassRole(roleArn, new ClassScope(partition, sessionId, string.IsNullOrWhiteSpace(bucket) ? null : bucket, prefix ?? ""));
    }

    /// <summary>The partition an IAM role ARN names (<c>arn:aws-cn:iam::…:role/…</c> → <c>aws-cn</c>), or null when it is not one.</summary>
    public static string? PartitionOf(string roleArn)
    {
        var match = RoleArnPattern().Match(roleArn ?? "");
        return match.Success ? match.Groups["partition"].Value : null;
    }

    /// <summary>The session policy this role is assumed with.</summary>
    public string SessionPolicy => ClassSessionPolicy.Json(Scope);

    /// <summary>CloudTrail's name for the session: <c>encoder-{SessionId}</c>, cut to STS's 64 characters.</summary>
    public string SessionName
    {
        get
        {
            var name = $"encoder-{Scope.SessionId}";
            return name.Length > 64 ? name[..64] : name;
        }
    }

    [GeneratedRegex(@"^arn:(?<partition>aws|aws-cn|aws-us-gov):iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();
}

/// <summary>
/// The one seam through which the daemon's S3 and SSM clients get their credentials. With a <see cref="ClassRole"/>:
/// the role assumed (with the instance's own credentials, from the SDK's default chain) under the class's session
/// policy, renewed before each hour ends. Without: null, i.e. the SDK's default chain (the instance role), as before.
/// EC2 termination and keep never come here: they stay on the instance role.
/// </summary>
public static partial class ClassCredentials
{
    /// <summary>Each STS request's bound (the SDK retries throttling and 5xx on its own).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <param name="region">The STS region (the bucket's); null: the SDK's (AWS_REGION, the instance's). <c>AWS_ENDPOINT_URL_STS</c> moves the endpoint (tests).</param>
    /// <param name="logger">Told, once, when an EC2 instance runs without a class role.</param>
    /// <param name="onEc2">Whether this machine is an EC2 instance (<see cref="Ec2Hardware.Detected"/> by default).</param>
    public static AWSCredentials? For(ClassRole? role, string? region, ILogger? logger = null, Func<bool>? onEc2 = null)
    {
        if (role is null)
        {
            if (logger is not null && (onEc2 ?? Ec2Hardware.Detected)())
                Log.InstanceRoleReachesEveryClass(logger);
            return null;
        }

        var config = new AmazonSecurityTokenServiceConfig { Timeout = RequestTimeout };
        if (!string.IsNullOrEmpty(region))
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        return new AssumedClassRoleCredentials(new AmazonSecurityTokenServiceClient(config), role);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
            Message = "No Encoder:Aws:ClassRoleArn: S3 and SSM use this instance's role, which reaches every class's recordings and secrets. Configure the class role (iam/encoder-class-policy.json) to scope this daemon to its own class")]
        public static partial void InstanceRoleReachesEveryClass(ILogger logger);
    }
}

/// <summary>
/// The class role's temporary credentials: AssumeRole with the class's session policy, renewed in the background
/// before they expire (the SDK's refreshing-credentials base). Written out instead of the SDK's
/// <c>AssumeRoleAWSCredentials</c>, which finds the STS client by reflection (not under Native AOT) and takes no session policy.
/// </summary>
public sealed class AssumedClassRoleCredentials : RefreshingAWSCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly ClassRole _role;

    public AssumedClassRoleCredentials(IAmazonSecurityTokenService sts, ClassRole role)
    {
        ArgumentNullException.ThrowIfNull(sts);
        ArgumentNullException.ThrowIfNull(role);
        _sts = sts;
        _role = role;
        _ = role.SessionPolicy; // a scope that cannot be written fails here, not at the first upload
        PreemptExpiryTime = TimeSpan.FromMinutes(10);
    }

    /// <summary>What each AssumeRole asks (pure).</summary>
    public static AssumeRoleRequest Request(ClassRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new AssumeRoleRequest
        {
            RoleArn = role.RoleArn,
            RoleSessionName = role.SessionName,
            Policy = role.SessionPolicy,
            DurationSeconds = (int)ClassRole.SessionDuration.TotalSeconds,
        };
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts.AssumeRoleAsync(Request(_role)).ConfigureAwait(false);
        var issued = response.Credentials ?? throw new AmazonClientException($"AssumeRole {_role.RoleArn} answered without credentials");
        return new CredentialsRefreshState(
            new ImmutableCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken),
            issued.Expiration ?? DateTime.UtcNow + ClassRole.SessionDuration);
    }
}

/// <summary>Whether this machine is an EC2 instance, from what its firmware says (no network): Nitro's DMI vendor, or a Xen instance's hypervisor UUID.</summary>
public static class Ec2Hardware
{
    public static bool Detected() => Says(path =>
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    });

    /// <summary>Pure over the files' contents (null: missing).</summary>
    public static bool Says(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read("/sys/devices/virtual/dmi/id/sys_vendor")?.Trim() == "Amazon EC2"
            || read("/sys/devices/virtual/dmi/id/board_asset_tag")?.Trim().StartsWith("i-", StringComparison.Ordinal) == true
            || read("/sys/hypervisor/uuid")?.Trim().StartsWith("ec2", StringComparison.OrdinalIgnoreCase) == true;
    }
}
