using Encoder.Tests.Infrastructure;

// The end-to-end fixtures marked [OverlapsOtherWaiters] run this many at a time; every other fixture runs alone.
[assembly: LevelOfParallelism(4)]

namespace Encoder.Tests;

/// <summary>Once for the whole run: removes the published binaries (<see cref="PublishedEncoder"/>) at its end.</summary>
[SetUpFixture]
public sealed class TestRunSetUp
{
    [OneTimeTearDown]
    public Task DeletePublishedBinaryAsync() => PublishedEncoder.DeleteAsync();
}
