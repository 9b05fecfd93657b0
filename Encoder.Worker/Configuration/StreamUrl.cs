namespace Encoder.Configuration;

/// <summary>Reads the parts of camera and ingest URLs that validation and redaction need, from the text as written.</summary>
public static class StreamUrl
{
    /// <summary>A problem with <paramref name="url"/> in words that never repeat the URL (it may hold a secret), or null.</summary>
    public static string? Check(string? url, IReadOnlyCollection<string> schemes, bool requirePath)
    {
        var expected = string.Join(" or ", schemes.Select(s => s + "://"));
        if (string.IsNullOrWhiteSpace(url))
            return $"is required (an {expected} URL)";
        if (url.Any(char.IsWhiteSpace))
            return "must not contain spaces";
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            return $"must be an {expected} URL";
        var scheme = url[..schemeEnd];
        if (!schemes.Contains(scheme.ToLowerInvariant()))
            return $"must be an {expected} URL (got {scheme}://)";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return $"is not a valid {expected} URL (no host)";
        if (requirePath)
        {
            var segments = PathAfterAuthority(url).Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length < 2)
                return $"must be {scheme}://host[:port]/app/streamkey (the {(segments.Length == 0 ? "application and stream key are" : "stream key is")} missing)";
        }

        return null;
    }

    /// <summary>Whether <paramref name="url"/> starts with <c>scheme://</c> (any case).</summary>
    public static bool HasScheme(string? url, string scheme) =>
        url is not null && url.StartsWith(scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The password in <c>scheme://user:password@host</c>, as written (possibly percent-encoded), or null.</summary>
    public static string? Password(string? url)
    {
        var userInfo = UserInfo(url);
        var colon = userInfo?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon >= 0 && colon < userInfo!.Length - 1 ? userInfo[(colon + 1)..] : null;
    }

    /// <summary>Everything after the application in <c>rtmp://host/app/key?query</c> — the stream key and any token — or null.</summary>
    public static string? StreamKey(string? url)
    {
        if (url is null)
            return null;
        var path = PathAfterAuthority(url).TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 && slash < path.Length - 1 ? path[(slash + 1)..] : null;
    }

    /// <summary>The secrets in an ingest URL: everything after the application, the key without its query, and each query value.</summary>
    public static IEnumerable<string> StreamKeySecrets(string? url)
    {
        if (StreamKey(url) is not { } afterApp)
            yield break;
        yield return afterApp;
        var query = afterApp.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
            yield break;
        yield return afterApp[..query];
        foreach (var pair in afterApp[(query + 1)..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            yield return equals >= 0 ? pair[(equals + 1)..] : pair;
        }
    }

    /// <summary>The <c>name=value</c> pairs of the URL's query, as written (possibly percent-encoded); a bare name has an empty value.</summary>
    public static IEnumerable<(string Name, string Value)> QueryParameters(string? url)
    {
        var start = url?.IndexOf('?', StringComparison.Ordinal) ?? -1;
        if (start < 0)
            yield break;
        var query = url![(start + 1)..];
        var fragment = query.IndexOf('#', StringComparison.Ordinal);
        foreach (var pair in (fragment < 0 ? query : query[..fragment]).Split(['&', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
        }
    }

    private static string? UserInfo(string? url)
    {
        if (url is null)
            return null;
        var authority = Authority(url);
        var at = authority.LastIndexOf('@');
        return at > 0 ? authority[..at] : null;
    }

    private static string Authority(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
            return "";
        var rest = url[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        return end < 0 ? rest : rest[..end];
    }

    private static string PathAfterAuthority(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
            return "";
        var rest = url[(start + 3)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        return end < 0 ? "" : rest[end..];
    }
}
