using Encoder.Resilience;

namespace Encoder.Tests.Resilience;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    [TestCase(1, 0.5)]
    [TestCase(2, 1.0)]
    [TestCase(3, 2.0)]
    [TestCase(4, 4.0)]
    [TestCase(5, 8.0)]
    [TestCase(6, 10.0)]
    [TestCase(500, 10.0)]
    public void The_nth_failure_in_a_row_waits_the_first_delay_doubled_n_minus_one_times_up_to_the_cap(int failures, double expectedSeconds) =>
        Assert.That(RestartBackoff.Delay(failures, First, Cap, jitterUnit: 0.5).TotalSeconds, Is.EqualTo(expectedSeconds).Within(1e-9));

    [TestCase(0.0, 0.4)]
    [TestCase(0.999999, 0.6)]
    public void Jitters_by_a_fifth_either_way_so_the_first_retry_comes_within_a_second(double jitterUnit, double expectedSeconds) =>
        Assert.That(RestartBackoff.Delay(1, First, Cap, jitterUnit).TotalSeconds, Is.EqualTo(expectedSeconds).Within(1e-5));

    [Test]
    public void Jitter_never_lifts_a_delay_above_the_cap() =>
        Assert.That(RestartBackoff.Delay(30, First, Cap, jitterUnit: 0.999999), Is.EqualTo(Cap));
}
