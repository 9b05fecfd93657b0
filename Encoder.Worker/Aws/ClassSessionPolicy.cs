using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Encoder.Aws;

/// <summary>
/// One class's reach in AWS: its objects <c>s3://{Bucket}/{Prefix}{SessionId}/</c> and its secrets
/// <c>/encoder/{SessionId}/</c>, in the <paramref name="Partition"/> (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>).
/// </summary>
/// <param name="Bucket">The recordings' bucket; null when the class stores nothing in S3 (then no S3 statement).</param>
/// <param name="Prefix">The configured <c>Storage:Prefix</c>, normalised as the store does (empty, or ending in one <c>/</c>).</param>
public sealed record ClassScope(string Partition, string SessionId, string? Bucket, string Prefix)
{
    /// <summary>Characters IAM reads as wildcards or policy variables in a resource or a <c>StringLike</c> value: a scope holding one would reach further than its class.</summary>
    private static readonly SearchValues<char> Widening = SearchValues.Create("*?$");

    private readonly string _prefix = NormalizePrefix(Prefix);

    public string Prefix
    {
        get => _prefix;
        init => _prefix = NormalizePrefix(value);
    }

    /// <summary>The session's folder in the bucket: <c>{Prefix}{SessionId}/</c>.</summary>
    public string KeyPrefix => $"{Prefix}{SessionId}/";

    /// <summary>The session's parameters: <c>/encoder/{SessionId}/</c> (what <c>encoder launch</c> writes).</summary>
    public string ParameterPath => $"/encoder/{SessionId}/";

    /// <summary>Why this scope cannot be written as a policy that stays within the class, or null when it can.</summary>
    public string? Problem =>
        Partition is not ("aws" or "aws-cn" or "aws-us-gov") ? $"unknown AWS partition '{Partition}'"
        : string.IsNullOrWhiteSpace(SessionId) || SessionId.Contains('/', StringComparison.Ordinal) ? "the session id is empty or holds a '/'"
        : SessionId.AsSpan().ContainsAny(Widening) || Prefix.AsSpan().ContainsAny(Widening) || (Bucket ?? "").AsSpan().ContainsAny(Widening)
            ? "the session id, the prefix or the bucket holds '*', '?' or '$', which IAM reads as a wildcard or a variable"
        : null;

    /// <summary>The same rule as the store's (<c>StorageKeys.NormalizePrefix</c>), so the policy names the keys the uploader writes.</summary>
    public static string NormalizePrefix(string? prefix) => string.IsNullOrEmpty(prefix) ? "" : prefix.TrimEnd('/') + "/";
}

/// <summary>
/// The STS session policy the daemon passes when it assumes the class role (<see cref="ClassCredentials"/>): the
/// credentials it gets can do at most what both the role's policy and this allow, so they reach this class only.
/// Pure: a function of the scope alone. The rules:
/// <list type="bullet">
/// <item>S3: the uploader's own calls (PutObject, which also covers the multipart upload's create, parts and complete;
/// GetObject, which covers HEAD; AbortMultipartUpload; ListMultipartUploadParts) on <c>{Prefix}{SessionId}/*</c> only.</item>
/// <item>S3 ListBucket only with a <c>s3:prefix</c> inside the session's folder (for a daemon that reads what storage
/// already holds; a listing without a prefix is refused). ListBucketMultipartUploads is not granted: IAM cannot scope it
/// by prefix, and it would name every class's unfinished uploads.</item>
/// <item>SSM GetParameter on <c>/encoder/{SessionId}/*</c> only, and KMS Decrypt only for those parameters (SSM's
/// encryption context <c>PARAMETER_ARN</c>); the role's policy keeps the <c>kms:ViaService</c> condition.</item>
/// <item>Nothing else: EC2 (self-termination, keep) stays on the instance role, with its <c>ec2:SourceInstanceARN</c> condition.</item>
/// </list>
/// Region and account are <c>*</c>: the role's own policy names them, and the intersection keeps the narrower.
/// </summary>
public static class ClassSessionPolicy
{
    /// <summary>AWS's limit on a session policy's plain text (AssumeRole's <c>Policy</c>).</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// The longest <c>Storage:Prefix</c> whose policy fits <see cref="MaxLength"/> with the longest session id (128),
    /// bucket (63) and partition (<c>aws-us-gov</c>): the prefix is named twice (tested at the bound).
    /// </summary>
    public const int MaxPrefixLength = 330;

    public static readonly IReadOnlyList<string> ObjectActions = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

    /// <summary>The policy document, compact JSON (AWS counts its characters against <see cref="MaxLength"/>).</summary>
    /// <exception cref="ArgumentException">The scope has a <see cref="ClassScope.Problem"/>.</exception>
    public static string Json(ClassScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Problem is { } problem)
            throw new ArgumentException(problem, nameof(scope));
        var p = scope.Partition;
        var parameters = $"arn:{p}:ssm:*:*:parameter{scope.ParameterPath}*";

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("Version", "2012-10-17");
            json.WriteStartArray("Statement");
            if (!string.IsNullOrEmpty(scope.Bucket))
            {
                Statement(json, "ThisClassObjectsOnly", ObjectActions, $"arn:{p}:s3:::{scope.Bucket}/{scope.KeyPrefix}*");
                Statement(json, "ListThisClassFolderOnly", ["s3:ListBucket"], $"arn:{p}:s3:::{scope.Bucket}", ("StringLike", "s3:prefix", $"{scope.KeyPrefix}*"));
            }

            Statement(json, "ThisClassSecretsOnly", ["ssm:GetParameter"], parameters);
            Statement(json, "DecryptThisClassSecretsOnly", ["kms:Decrypt"], $"arn:{p}:kms:*:*:key/*", ("StringLike", "kms:EncryptionContext:PARAMETER_ARN", parameters));
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Statement(Utf8JsonWriter json, string sid, IReadOnlyList<string> actions, string resource, (string Operator, string Key, string Value)? condition = null)
    {
        json.WriteStartObject();
        json.WriteString("Sid", sid);
        json.WriteString("Effect", "Allow");
        json.WriteStartArray("Action");
        foreach (var action in actions)
            json.WriteStringValue(action);
        json.WriteEndArray();
        json.WriteString("Resource", resource);
        if (condition is var (op, key, value))
        {
            json.WriteStartObject("Condition");
            json.WriteStartObject(op);
            json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
