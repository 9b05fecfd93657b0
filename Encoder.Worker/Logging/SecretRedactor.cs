using System.Text.RegularExpressions;
using Encoder.Configuration;

namespace Encoder.Logging;

/// <summary>
/// Replaces the camera password and the RTMP stream keys with <c>***</c> in any text before it is written anywhere.
/// Two layers: by shape, any URL's <c>user:password@</c> and any RTMP URL's path after the application are masked
/// whatever they hold; by value, the configured secrets are masked wherever they stand alone — if they are at least
/// <see cref="MinimumLiteralLength"/> long, since masking every "p" in a log protects nothing and ruins the log.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";
    public const int MinimumLiteralLength = 4;

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => new[] { s!, Unescape(s!) })
            .Where(s => s.Length >= MinimumLiteralLength)
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
        if (text.Contains("://", StringComparison.Ordinal))
        {
            text = UrlPassword().Replace(text, "${head}" + Mask + "@");
            text = RtmpStreamKey().Replace(text, "${head}" + Mask);
        }

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

    /// <summary><c>scheme://user:password@</c>: the password ends at the last '@' before the path.</summary>
    [GeneratedRegex(@"(?<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'""]*:)[^/\s'""]*@")]
    private static partial Regex UrlPassword();

    /// <summary><c>rtmp[s]://host/app/</c> then the key (and any query) up to a quote, space, bracket, separator or punctuation that ends a sentence.</summary>
    [GeneratedRegex(@"(?<head>rtmps?://[^/\s'""]+/[^/\s'""?]+/)[^\s'""|\]\),;]+", RegexOptions.IgnoreCase)]
    private static partial Regex RtmpStreamKey();
}
