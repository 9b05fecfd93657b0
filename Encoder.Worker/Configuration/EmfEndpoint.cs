using System.Globalization;

namespace Encoder.Configuration;

/// <summary>Where the CloudWatch agent listens for EMF: <c>tcp://host:port</c> or <c>udp://host:port</c>, as AWS's EMF libraries read <c>AWS_EMF_AGENT_ENDPOINT</c>.</summary>
public sealed record EmfEndpoint(bool Udp, string Host, int Port)
{
    public const string EnvironmentVariable = "AWS_EMF_AGENT_ENDPOINT";
    public const string Default = "tcp://127.0.0.1:25888";

    /// <summary>The configured endpoint, else the environment's, else the agent's default.</summary>
    public static string Resolve(string? configured, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return configured is { Length: > 0 } ? configured
            : environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : Default;
    }

    public static EmfEndpoint? Parse(string? text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("tcp" or "udp") || uri.IsDefaultPort || uri.Port <= 0
            || uri.Host.Length == 0 || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            return null;
        return new EmfEndpoint(uri.Scheme == "udp", uri.Host.Trim('[', ']'), uri.Port);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Udp ? "udp" : "tcp")}://{Host}:{Port}");
}
