using System.Text.RegularExpressions;

namespace Encoder.Ffmpeg;

/// <summary>
/// Which of one run's stderr lines says why it failed: FFmpeg's last error line, unless its TLS layer refused the
/// peer's certificate. That line comes first and is followed by generic ones ("Cannot open connection",
/// "Input/output error"), so it is kept and reported as <c>TLS verification failed: …</c>, which names the cause.
/// Lines arrive redacted.
/// </summary>
public sealed partial class FfmpegErrors
{
    public const string TlsVerificationFailed = "TLS verification failed";

    private string? _last;
    private string? _tls;

    /// <summary>Takes one stderr line; returns its message when it is an error line, else null.</summary>
    public string? Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (ErrorLine().Match(line) is not { Success: true } match)
            return null;
        var message = match.Groups["message"].Value.Trim();
        _last = message;
        if (_tls is null && TlsCertificateError().IsMatch(line))
            _tls = message;
        return message;
    }

    /// <summary>Why the run failed, as far as its error lines say; null when it printed none.</summary>
    public string? Reason => _tls is not null ? $"{TlsVerificationFailed}: {_tls}" : _last;

    [GeneratedRegex(@"\[(?:error|fatal|panic)\]\s*(?<message>.*)$")]
    private static partial Regex ErrorLine();

    /// <summary>GnuTLS's "Peer certificate failed verification", "The certificate's owner does not match hostname …" (and OpenSSL's wordings): an error from the tls context about the certificate.</summary>
    [GeneratedRegex(@"^\[tls @ [^\]]*\] \[(?:error|fatal)\] .*certificate", RegexOptions.IgnoreCase)]
    private static partial Regex TlsCertificateError();
}
