using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Preflight;

/// <summary>
/// This machine's clock against S3's (pure): S3 refuses a request signed more than 15 minutes off its time, and the
/// class's times (<c>StartsAt</c>, <c>EndsAt</c>, segment times) are only as good as the clock. S3's <c>Date</c> header
/// has whole seconds, so the skew is judged against the middle of the request with a second of slack.
/// </summary>
public static class ClockSkew
{
    public const string Check = "clock";

    /// <summary>Up to this far off is fine: the Date header's own resolution and the request's time.</summary>
    public static readonly TimeSpan Fine = TimeSpan.FromSeconds(2);

    /// <summary>S3's own limit for a signed request (RequestTimeTooSkewed).</summary>
    public static readonly TimeSpan S3Limit = TimeSpan.FromMinutes(15);

    public static TimeSpan Skew(DateTimeOffset sent, DateTimeOffset received, DateTimeOffset serverDate) =>
        serverDate - (sent + ((received - sent) / 2));

    /// <summary>Within <see cref="Fine"/>: pass; within a minute: warn (the class's times drift); beyond: fail (S3 refuses at 15 min, and every scheduled time is off).</summary>
    public static CheckResult Judge(TimeSpan skew, string against)
    {
        var c = CultureInfo.InvariantCulture;
        var off = Math.Abs(skew.TotalSeconds);
        var says = string.Create(c, $"{off:0.#} s {(skew > TimeSpan.Zero ? "behind" : "ahead of")} {against}");
        if (skew.Duration() <= Fine)
            return CheckResult.Pass(Check, string.Create(c, $"within {Fine.TotalSeconds:0} s of {against}"));
        return skew.Duration() <= TimeSpan.FromMinutes(1)
            ? CheckResult.Warn(Check, $"{says}: is chrony (NTP) running?")
            : CheckResult.Fail(Check, $"{says}: S3 refuses requests {S3Limit.TotalMinutes:0} min off, and StartsAt/EndsAt are read on this clock; is chrony (NTP) running?");
    }

    /// <summary>Where S3's clock is asked: <c>Storage:ServiceUrl</c>, else the region's endpoint.</summary>
    public static Uri Endpoint(StorageOptions storage, string? region)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!string.IsNullOrEmpty(storage.ServiceUrl))
            return new Uri(storage.ServiceUrl.TrimEnd('/') + "/");
        var name = storage.Region ?? region;
        return new Uri(string.IsNullOrEmpty(name) ? "https://s3.amazonaws.com/" : $"https://s3.{name}.amazonaws.com/");
    }
}
