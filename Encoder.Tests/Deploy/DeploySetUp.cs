using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Deploy;

/// <summary>Removes the published binary (published at most once, by the first check that needs it) after the deploy checks.</summary>
[SetUpFixture]
public sealed class DeploySetUp
{
    [OneTimeTearDown]
    public Task DeletePublishedBinaryAsync() => PublishedEncoder.DeleteAsync();
}
