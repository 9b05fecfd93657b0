using Encoder.Configuration;
using Encoder.Lifecycle;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Encoder.Tests.Lifecycle;

public sealed class SessionClockTests
{
    [Test]
    public async Task Stops_the_host_when_the_session_end_is_reached_and_not_before()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
        var lifetime = new Mock<IHostApplicationLifetime>();
        var options = new EncoderOptions { Session = new SessionOptions { MaxDuration = TimeSpan.FromMinutes(45) } };
        using var clock = new SessionClock(options, lifetime.Object, time, NullLogger<SessionClock>.Instance);

        await clock.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(44.99));
        await Task.Delay(20);
        lifetime.Verify(l => l.StopApplication(), Times.Never);

        time.Advance(TimeSpan.FromMinutes(0.02));
        await clock.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        lifetime.Verify(l => l.StopApplication(), Times.Once);
    }

    [Test]
    public async Task Without_an_end_it_never_stops_the_host()
    {
        var lifetime = new Mock<IHostApplicationLifetime>();
        using var clock = new SessionClock(new EncoderOptions(), lifetime.Object, new FakeTimeProvider(), NullLogger<SessionClock>.Instance);

        await clock.StartAsync(CancellationToken.None);
        await clock.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));

        lifetime.Verify(l => l.StopApplication(), Times.Never);
    }
}
