using System.CommandLine;

namespace Encoder.Launch;

/// <summary>
/// One option of <c>encoder launch</c>: its flag, the configuration key it sets (if any) and its help line. Every value
/// is kept as text by System.CommandLine and checked afterwards by <see cref="LaunchArguments"/>, with the daemon's rules.
/// </summary>
public sealed record LaunchOption(string Flag, string? Value, string Help, string? ConfigKey = null, bool Repeatable = false)
{
    public const string SessionId = "--session-id";
    public const string CameraUrl = "--camera-url";
    public const string IngestPrimary = "--ingest-primary";
    public const string IngestSecondary = "--ingest-secondary";
    public const string EndsAt = "--ends-at";
    public const string Bucket = "--bucket";
    public const string Set = "--set";
    public const string HardLimit = "--hard-limit";
    public const string Ami = "--ami";
    public const string AmiArm64 = "--ami-arm64";
    public const string InstanceProfile = "--instance-profile";
    public const string InstanceType = "--instance-type";
    public const string SubnetId = "--subnet-id";
    public const string SecurityGroupId = "--security-group-id";
    public const string KeyName = "--key-name";
    public const string Region = "--region";
    public const string DryRun = "--dry-run";
    public const string SecretsFile = "--secrets-file";

    public bool IsSwitch => Value is null;

    /// <summary>The option as System.CommandLine parses it: a switch, one value per occurrence, or one value.</summary>
    public Option Option { get; } =
        Value is null ? new Option<bool>(Flag) { Description = Help, Arity = ArgumentArity.Zero }
        : Repeatable ? new Option<string[]>(Flag) { Description = Help, HelpName = Value, Arity = ArgumentArity.OneOrMore }
        : new Option<string>(Flag) { Description = Help, HelpName = Value };

    public static readonly IReadOnlyList<LaunchOption> All =
    [
        new(SessionId, "ID", "the class's session id; names the recording (required)", "Encoder:SessionId"),
        new(CameraUrl, "URL", "the camera, rtsp://user:password@host/path (required; secret: better in ENCODER_CAMERA_URL or --secrets-file)", "Encoder:Camera:Url"),
        new(IngestPrimary, "URL", "the CDN's primary slot, rtmp://host/app/streamkey (required; secret: better in ENCODER_INGEST_PRIMARY or --secrets-file)", "Encoder:Ingest:Primary"),
        new(IngestSecondary, "URL", "the CDN's secondary slot (secret: better in ENCODER_INGEST_SECONDARY or --secrets-file)", "Encoder:Ingest:Secondary"),
        new(SecretsFile, "PATH|-", "a file (- for stdin) of name=value lines: camera-url, ingest-primary, ingest-secondary"),
        new(EndsAt, "INSTANT", "when the class ends, ISO-8601, e.g. 2026-11-23T19:00:00Z (required)", "Encoder:Session:EndsAt"),
        new(Bucket, "NAME", "the S3 bucket the recording goes to (required: the instance, and its disk, are terminated)", "Encoder:Storage:Bucket"),
        new(Set, "KEY=VALUE", "any other daemon setting, e.g. Encoder:Video:Mode=transcode (repeatable)", Repeatable: true),
        new(HardLimit, "hh:mm:ss", "how long past the end the instance may live, whatever the daemon does (default 00:30:00)"),
        new(Ami, "ami-ID", "the x86-64 Encoder AMI built by packer/ (required unless --dry-run or --ami-arm64)"),
        new(AmiArm64, "ami-ID", "the arm64 Encoder AMI built by packer/ (-var arch=arm64): Graviton types (t4g, c6g) become candidates too"),
        new(InstanceProfile, "NAME|ARN", "the IAM instance profile with iam/encoder-instance-policy.json (required unless --dry-run)"),
        new(InstanceType, "TYPE", "the EC2 instance type (default: the cheapest that carries the video mode with headroom, Launch/InstanceSizing.cs: t3a.micro for copy, t3a.xlarge for auto, c5a.xlarge for transcode; with --ami-arm64, t4g.micro, t4g.xlarge, c6g.xlarge; when EC2 has no capacity for it, the next that carries the class)"),
        new(SubnetId, "subnet-ID", "a subnet to launch into (repeatable: tried in order when a zone has no capacity; default: the default VPC's)", Repeatable: true),
        new(SecurityGroupId, "sg-ID", "a security group (repeatable; default: the VPC's default group)", Repeatable: true),
        new(KeyName, "NAME", "an EC2 key pair for SSH (default: none)"),
        new(Region, "REGION", "the AWS region (default: the SDK's, e.g. AWS_REGION)"),
        new(DryRun, null, "print the user-data instead of launching, and the parameters it would put (names only); nothing is put or run"),
    ];

    public static LaunchOption? ForKey(string fullKey) =>
        All.FirstOrDefault(o => string.Equals(o.ConfigKey, fullKey, StringComparison.OrdinalIgnoreCase));

    /// <summary>What <c>encoder launch --help</c> prints after System.CommandLine's description, usage and options.</summary>
    public const string HelpEpilogue = """
        It stores the camera and ingest URLs as SecureString parameters in SSM Parameter Store
        (/encoder/SESSION/camera-url, ingest-primary, ingest-secondary; Advanced tier, expiring at the hard stop),
        renders the cloud-init user-data that writes /etc/encoder/encoder.json (with ssm:/encoder/... references, no
        secret) and the hard stop, then calls RunInstances (InstanceInitiatedShutdownBehavior=terminate, IMDSv2 only,
        hop limit 1; unlimited CPU credits on a t type). It prints the instance type, its architecture, size and
        the class's on-demand cost to the hard stop (one line, from a dated price table; no pricing API). When EC2 has no
        capacity for the type in a subnet (InsufficientInstanceCapacity, Unsupported) or a quota is reached
        (VcpuLimitExceeded, InstanceLimitExceeded), it tries the type in the next --subnet-id, then the next type that
        carries the class (an --instance-type given is never swapped), and says which it got and why; a retried
        launch of a session answers the session's running instance. Credentials and region come from the AWS SDK's
        usual sources. A class stores to S3 and terminates its own instance once the recording is stored
        (Encoder:SelfTerminate:Enabled and :ShutdownFallback default to true here; --set
        Encoder:SelfTerminate:Enabled=false keeps the instance).

        Secrets: the command line wins (with a WARN: ps shows it), then --secrets-file, then ENCODER_CAMERA_URL,
        ENCODER_INGEST_PRIMARY, ENCODER_INGEST_SECONDARY. Nothing printed holds a secret.
        Exit codes: 0 launched (or printed), 1 the launch failed, 2 bad parameters (one line each, naming the option).

        """;
}
