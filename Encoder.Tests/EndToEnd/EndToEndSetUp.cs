using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>Before the end-to-end tests: the published binary, which the provisioning checks after them need, is built meanwhile.</summary>
[SetUpFixture]
public sealed class EndToEndSetUp
{
    [OneTimeSetUp]
    public void PublishTheBinaryMeanwhile() => PublishedEncoder.StartInBackground();
}
