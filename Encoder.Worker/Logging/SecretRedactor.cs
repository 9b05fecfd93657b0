using Encoder.Configuration;

namespace Encoder.Logging;

/// <summary>Replaces the camera password and the RTMP stream keys with <c>***</c> in any text before it is written anywhere.</summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => new[] { s!, Unescape(s!) })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length) // a longer secret first, so a shorter one inside it can't leave a tail
            .ToArray();
    }

    public static SecretRedactor For(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SecretRedactor(
        [
            StreamUrl.Password(options.Camera.Url),
            .. StreamUrl.StreamKeySecrets(options.Ingest.Primary),
            .. StreamUrl.StreamKeySecrets(options.Ingest.Secondary),
        ]);
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }
}
