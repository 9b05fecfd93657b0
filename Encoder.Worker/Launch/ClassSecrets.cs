using System.Globalization;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>One secret setting of a class, stored as an SSM parameter: the configuration key it fills, the parameter, the clear value.</summary>
public sealed record ClassSecret(string ConfigKey, string ParameterName, string Value)
{
    /// <summary>What the class's configuration holds instead of the value: <c>ssm:/encoder/{session}/camera-url</c>.</summary>
    public string Reference => SecretReference.Format(ParameterName);
}

/// <summary>
/// Where a class's secrets live in SSM Parameter Store and how they are put: SecureString (the account's
/// <c>aws/ssm</c> key), Advanced tier (parameter policies need it), and an Expiration policy at the hard stop, when
/// the instance is gone whatever happens; SSM then deletes them.
/// </summary>
public static class ClassSecrets
{
    /// <summary>The path every class's parameters live under; the IAM policies grant exactly this path.</summary>
    public const string Root = "/encoder";

    public static string ParameterName(string sessionId, LaunchSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return $"{Root}/{sessionId}/{secret.FileName}";
    }

    /// <summary>SSM's Expiration policy at <paramref name="expiresAt"/> (UTC, milliseconds, as SSM's documentation writes it).</summary>
    public static string ExpirationPolicy(DateTimeOffset expiresAt) =>
        $$$"""[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"{{{expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}}}"}}]""";

    /// <summary>
    /// The PutParameter call for one secret. <c>Overwrite</c>: a class launched again (a failed launch retried) replaces
    /// its own values. No tags: SSM refuses tags with <c>Overwrite</c>, and the path already names the class.
    /// </summary>
    public static PutParameterRequest PutRequest(ClassSecret secret, string sessionId, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return new PutParameterRequest
        {
            Name = secret.ParameterName,
            Value = secret.Value,
            Type = ParameterType.SecureString,
            Tier = ParameterTier.Advanced,
            Overwrite = true,
            Policies = ExpirationPolicy(expiresAt),
            Description = $"Encoder class {sessionId}: {secret.ConfigKey}, expires at the hard stop",
        };
    }
}
