using Encoder.Lifecycle;
using Encoder.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace Encoder.Tests.Infrastructure;

internal static class StopCauses
{
    /// <summary>A <see cref="StopCause"/> whose reason is already recorded, as when the stop has begun.</summary>
    public static StopCause Claimed(StopReason why, RecordingLayout layout)
    {
        var cause = Unclaimed(layout);
        cause.Claim(why);
        return cause;
    }

    /// <summary>A <see cref="StopCause"/> before any stop, with no other services and no runtime directory.</summary>
    public static StopCause Unclaimed(RecordingLayout layout, string? runtimeDirectory = null) =>
        new(layout, Mock.Of<IHostApplicationLifetime>(), new ServiceCollection().BuildServiceProvider(), new ListLogger<StopCause>())
        {
            Environment = name => name == ClassEndMarkers.RuntimeDirectoryVariable ? runtimeDirectory : null,
        };
}
