using Microsoft.Extensions.Configuration;

namespace Encoder.Tests.Configuration;

internal static class TestConfigurations
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string?> Valid() => new()
    {
        ["Encoder:SessionId"] = "yoga-2026-11-23",
        ["Encoder:Camera:Url"] = "rtsp://admin:s3cret@10.0.0.5:554/stream1",
        ["Encoder:Ingest:Primary"] = "rtmp://a.rtmp.example.com/live/primary-key",
    };

    public static IConfiguration Build(IDictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
