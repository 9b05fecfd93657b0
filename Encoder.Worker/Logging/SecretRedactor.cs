using System.Buffers;
using System.Text.RegularExpressions;
using Encoder.Configuration;

namespace Encoder.Logging;

/// <summary>
/// Replaces secrets with <c>***</c> in any text before it is written anywhere: log lines, FFmpeg's stderr, the status file.
/// Two layers:
/// <list type="bullet">
/// <item><b>By shape</b>, configured or not: the password in <c>scheme://user:password@</c> (the user stays readable); everything
/// after the application in an RTMP URL; the value of every query parameter whose name holds a credential word
/// (<see cref="IsCredentialName"/>: <c>?password=</c> on Dahua and Axis cameras, SRT's <c>passphrase</c>, <c>access_token</c>,
/// <c>api_key</c>, a signed URL's signature), also when the query is itself percent-encoded inside another URL; and the value of
/// an <c>Authorization:</c> header (FFmpeg prints its RTSP requests at debug level).</item>
/// <item><b>By value</b>, the configured secrets as written, percent-decoded and percent-encoded: anywhere in the text when at
/// least <see cref="MinimumLiteralLength"/> long; a shorter one only where it stands as a whole component of a URL, since
/// masking every "p" of a log protects nothing and ruins the log.</item>
/// </list>
/// Text without secrets comes back as the same string: each pass is a generated regex or a vectorised search, gated on a
/// character the shape needs.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";
    public const int MinimumLiteralLength = 4;

    /// <summary>
    /// A query parameter is a credential when its name holds one of these words, in any case: so <c>pwd</c>, <c>Password</c>,
    /// <c>passphrase</c>, <c>access_token</c>, <c>X-Amz-Security-Token</c>, <c>api_key</c>, <c>authorization</c>,
    /// <c>client_secret</c>, <c>X-Amz-Signature</c>, <c>sig</c>, <c>X-Amz-Credential</c> and SRT's <c>streamid</c> (where CDNs
    /// put the stream key). A false positive (<c>keyint</c>) costs one masked value; a miss costs a secret.
    /// </summary>
    private const string CredentialWords = "pass|pwd|token|key|auth|secret|sig|credential|streamid";

    /// <summary>Characters that end a URL (or a query value) in a log line.</summary>
    private const string UrlEnd = @"\s'""|<>";

    /// <summary>Punctuation that belongs to a value unless only punctuation follows it up to a space or the end: <c>(…/key).</c>.</summary>
    private const string Trailing = @":.,;)\]";

    private static readonly SearchValues<char> SentenceEnd = SearchValues.Create(".,;:)]");
    private static readonly SearchValues<char> ComponentStart = SearchValues.Create(":/=@?&;");

    private readonly string[] _literals;
    private readonly SearchValues<string>? _anyLiteral;
    private readonly string[] _shortSecrets;
    private readonly MatchEvaluator _maskShortSecrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var forms = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => Forms(s!))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length) // a longer secret first, so a shorter one inside it can't leave a tail
            .ToArray();
        _literals = [.. forms.Where(s => s.Length >= MinimumLiteralLength)];
        _anyLiteral = _literals.Length > 0 ? SearchValues.Create(_literals, StringComparison.Ordinal) : null;
        _shortSecrets = [.. forms.Where(s => s.Length < MinimumLiteralLength)];
        _maskShortSecrets = url => MaskShortSecrets(url.Value);
    }

    /// <summary>A redactor for the configured camera and ingest URLs, and the live playback URL's token (every value of its query).</summary>
    public static SecretRedactor For(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SecretRedactor(
        [
            .. SecretsIn(options.Camera.Url),
            .. SecretsIn(options.Ingest.Primary),
            .. StreamUrl.StreamKeySecrets(options.Ingest.Primary),
            .. SecretsIn(options.Ingest.Secondary),
            .. StreamUrl.StreamKeySecrets(options.Ingest.Secondary),
            .. SecretsIn(options.Playback.LiveUrl),
            .. StreamUrl.QueryParameters(options.Playback.LiveUrl).Select(p => p.Value), // a CDN's token, whatever its parameter's name
        ]);
    }

    /// <summary>True when a query parameter of this name carries a credential (see <see cref="CredentialWords"/>).</summary>
    public static bool IsCredentialName(string name) => CredentialName().IsMatch(name);

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // By value first: a shape could mask part of a configured secret (the "&Secret=9" of "Qs&Secret=9") and leave its head.
        if (_anyLiteral is not null && text.AsSpan().ContainsAny(_anyLiteral))
        {
            foreach (var secret in _literals)
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            text = UrlPassword().Replace(text, "${head}" + Mask + "@");
            text = RtmpStreamKey().Replace(text, "${head}" + Mask);
            if (_shortSecrets.Length > 0)
                text = Url().Replace(text, _maskShortSecrets);
        }

        if (text.Contains('=', StringComparison.Ordinal) || text.Contains("%3D", StringComparison.OrdinalIgnoreCase))
            text = CredentialParameter().Replace(text, "${head}" + Mask);

        if (text.Contains("authorization", StringComparison.OrdinalIgnoreCase))
            text = AuthorizationHeader().Replace(text, "${head}" + Mask);

        return text;
    }

    /// <summary>The secrets a URL carries by shape: its userinfo password and its credential-named query values.</summary>
    private static IEnumerable<string?> SecretsIn(string? url) =>
        StreamUrl.QueryParameters(url).Where(p => IsCredentialName(p.Name)).Select(p => p.Value).Prepend(StreamUrl.Password(url));

    /// <summary>A secret as written, percent-decoded, and percent-encoded (upper and lower hex): FFmpeg may print any of them.</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        var decoded = Uri.UnescapeDataString(secret);
        var encoded = Uri.EscapeDataString(decoded);
        return [secret, decoded, encoded, PercentEscape().Replace(encoded, static m => m.Value.ToLowerInvariant())];
    }

    /// <summary>Masks each short secret where it is a whole component of <paramref name="url"/>: after <c>: / = @ ? &amp; ;</c>, before a delimiter or the end.</summary>
    private string MaskShortSecrets(string url)
    {
        foreach (var secret in _shortSecrets)
        {
            var at = url.IndexOf(secret, StringComparison.Ordinal);
            while (at >= 0)
            {
                var end = at + secret.Length;
                if (at > 0 && ComponentStart.Contains(url[at - 1]) && EndsComponent(url, end))
                {
                    url = string.Concat(url.AsSpan(0, at), Mask, url.AsSpan(end));
                    end = at + Mask.Length;
                }
                else
                {
                    end = at + 1;
                }

                at = end < url.Length ? url.IndexOf(secret, end, StringComparison.Ordinal) : -1;
            }
        }

        return url;
    }

    /// <summary>True at the end of the URL, before a delimiter, or before punctuation that only ends the sentence.</summary>
    private static bool EndsComponent(string url, int index)
    {
        if (index == url.Length)
            return true;
        var next = url[index];
        if (char.IsAsciiLetterOrDigit(next) || next is '-' or '_' or '~' or '%' or '+')
            return false;
        return next != '.' || url.AsSpan(index).IndexOfAnyExcept(SentenceEnd) < 0;
    }

    [GeneratedRegex("(?:" + CredentialWords + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialName();

    /// <summary><c>scheme://user:password@</c>: the password ends at the last '@' before the path.</summary>
    [GeneratedRegex(@"(?<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'""]*:)[^/\s'""]*@")]
    private static partial Regex UrlPassword();

    /// <summary><c>rtmp[s|t|e…]://host/app/</c> then the key and any query, up to the URL's end or the punctuation that ends a sentence.</summary>
    [GeneratedRegex(@"(?<head>rtmp[a-z]*://[^/" + UrlEnd + @"]+/[^/?" + UrlEnd + @"]+/)(?:[^" + UrlEnd + Trailing + "]|[" + Trailing + "](?![" + Trailing + @"]*(?:\s|$)))+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RtmpStreamKey();

    /// <summary>
    /// <c>?name=value</c>, <c>&amp;name=value</c> or <c>;name=value</c> for a credential name; the separators may be
    /// percent-encoded (a URL inside another's query). The value runs to the next parameter, the URL's end, or the
    /// punctuation that ends a sentence; it may start with '#' (SRT's <c>streamid=#!::r=live/key</c>).
    /// </summary>
    [GeneratedRegex(@"(?<head>(?<=[?&;]|%3[Ff]|%26)[\w.\[\]-]*?(?:" + CredentialWords + @")[\w.\[\]-]*(?:=|%3[Dd]))#?(?:[^&#" + UrlEnd + Trailing + "]|[" + Trailing + "](?![" + Trailing + @"]*(?:\s|$)))+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialParameter();

    /// <summary><c>Authorization: Basic dXNlcjpwYXNz</c> (or any scheme, or <c>Proxy-Authorization</c>): everything after the scheme, to the end of the line.</summary>
    [GeneratedRegex(@"(?<head>\b(?:proxy-)?authorization\s*:\s*(?:[A-Za-z]+\s+(?=\S))?)[^\s][^\r\n]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationHeader();

    /// <summary>A URL as it stands in a log line, for the short-secret pass.</summary>
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]*://[^" + UrlEnd + "]+")]
    private static partial Regex Url();

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentEscape();
}
