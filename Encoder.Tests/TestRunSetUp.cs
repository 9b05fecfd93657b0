using Encoder.Tests.Infrastructure;

// Fixtures marked [OverlapsOtherWaiters] or [OneCoreEach] run this many at a time (beside others of their namespace);
// every other fixture runs alone.
[assembly: LevelOfParallelism(4)]
[assembly: PublishWithTheFirstDeployCheck]

namespace Encoder.Tests;

/// <summary>Once for the whole run: removes the published binaries (<see cref="PublishedEncoder"/>) at its end.</summary>
[SetUpFixture]
public sealed class TestRunSetUp
{
    [OneTimeTearDown]
    public Task DeletePublishedBinaryAsync() => PublishedEncoder.DeleteAsync();
}
