using Encoder.Tests.Infrastructure;

namespace Encoder.Tests;

/// <summary>Once for the whole run: removes the published binary (<see cref="PublishedEncoder"/>) at its end.</summary>
[SetUpFixture]
public sealed class TestRunSetUp
{
    [OneTimeTearDown]
    public Task DeletePublishedBinaryAsync() => PublishedEncoder.DeleteAsync();
}
