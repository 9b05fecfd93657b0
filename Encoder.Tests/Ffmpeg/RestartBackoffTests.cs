using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class RestartBackoffTests
{
    [TestCase(1, 1.0)]
    [TestCase(2, 2.0)]
    [TestCase(3, 4.0)]
    [TestCase(4, 8.0)]
    [TestCase(5, 10.0)]
    [TestCase(500, 10.0)]
    public void Doubles_from_the_first_delay_up_to_the_cap(int failures, double expectedSeconds) =>
        Assert.That(RestartBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)).TotalSeconds, Is.EqualTo(expectedSeconds));

    [Test]
    public void Never_exceeds_a_cap_below_the_first_delay() =>
        Assert.That(RestartBackoff.Delay(1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)), Is.EqualTo(TimeSpan.FromSeconds(2)));
}
