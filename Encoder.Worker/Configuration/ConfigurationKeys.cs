namespace Encoder.Configuration;

/// <summary>
/// The configuration contract: every key under <c>Encoder:</c> that the daemon reads, in docs/configuration.md's order. Derived from
/// <see cref="EncoderOptions"/> by <see cref="EncoderSettings"/>, never written by hand.
/// </summary>
public static class ConfigurationKeys
{
    public static readonly IReadOnlyList<string> All = [.. EncoderSettings.All.Select(s => s.Key)];

    /// <summary>The full key as an operator writes it, e.g. <c>Encoder:Camera:Url</c>.</summary>
    public static string Full(string key) => EncoderSettings.Full(key);
}
