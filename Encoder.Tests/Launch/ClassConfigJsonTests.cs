using Encoder.Launch;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class ClassConfigJsonTests
{
    // Each case: flat keys (in any order) and the JSON the daemon's file must hold.
    [TestCase(new[] { "Encoder:SessionId=a" }, "{\n  \"Encoder\": {\n    \"SessionId\": \"a\"\n  }\n}")]
    [TestCase(new[] { "Encoder:Video:Mode=copy", "Encoder:SessionId=a", "Encoder:Camera:Url=rtsp://h/s" },
        "{\n  \"Encoder\": {\n    \"SessionId\": \"a\",\n    \"Camera\": {\n      \"Url\": \"rtsp://h/s\"\n    },\n    \"Video\": {\n      \"Mode\": \"copy\"\n    }\n  }\n}")]
    [TestCase(new[] { "Encoder:Camera:TimeoutSeconds=3", "Encoder:Camera:Url=rtsp://h/s" },
        "{\n  \"Encoder\": {\n    \"Camera\": {\n      \"Url\": \"rtsp://h/s\",\n      \"TimeoutSeconds\": \"3\"\n    }\n  }\n}")]
    [TestCase(new[] { "Encoder:Ingest:Primary=rtmp://h/live/k?t=a\"b\\c" },
        "{\n  \"Encoder\": {\n    \"Ingest\": {\n      \"Primary\": \"rtmp://h/live/k?t=a\\u0022b\\\\c\"\n    }\n  }\n}")]
    public void Flat_keys_become_nested_json_in_the_readme_order(string[] pairs, string expected)
    {
        var settings = pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.That(ClassConfigJson.Render(settings).ReplaceLineEndings("\n"), Is.EqualTo(expected));
    }
}
