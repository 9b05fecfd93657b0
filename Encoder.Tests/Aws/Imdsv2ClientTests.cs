using Encoder.Aws;

namespace Encoder.Tests.Aws;

public sealed class Imdsv2ClientTests
{
    [TestCase(null, null, "http://169.254.169.254/")]
    [TestCase(null, "http://127.0.0.1:1338", "http://127.0.0.1:1338/")]
    [TestCase("http://127.0.0.1:9000/", "http://127.0.0.1:1338", "http://127.0.0.1:9000/")]
    [TestCase("", "", "http://169.254.169.254/")]
    public void The_configured_endpoint_wins_then_the_SDK_variable_then_the_standard_address(string? configured, string? variable, string expected)
    {
        var endpoint = Imdsv2Client.ResolveEndpoint(configured, name => name == Imdsv2Client.EndpointVariable ? variable : null);

        Assert.That(endpoint, Is.EqualTo(new Uri(expected)));
    }
}
