using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// Before the end-to-end tests: the published binary, which the provisioning checks after them need, is built meanwhile
/// (already started by the run's first integration test, <see cref="PublishFromTheFirstIntegrationTestAttribute"/>, in a
/// full run). Being a setup fixture it also makes the end-to-end fixtures one block of the run: NUnit runs its
/// overlapping fixtures beside one another only (never beside cfn-lint or a timed check of another folder), then its
/// non-parallelizable ones alone.
/// </summary>
[SetUpFixture]
public sealed class EndToEndSetUp
{
    [OneTimeSetUp]
    public void PublishTheBinaryMeanwhile() => PublishedEncoder.StartInBackground();
}
