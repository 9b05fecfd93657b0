using Encoder.Configuration;
using Encoder.Launch;

namespace Encoder.Tests.Launch;

public sealed class InstanceSizingTests
{
    [TestCase(VideoMode.Copy, 2.5, 8.0, "c5d.large", TestName = "Copy: the smallest c5d, a tenth of its CPU")]
    [TestCase(VideoMode.Transcode, 2.5, 6.25, "c5d.xlarge", TestName = "Transcode: sized for a 1080p30 camera, half of 4 vCPUs")]
    [TestCase(VideoMode.Copy, 12.0, 8.0, "c5d.xlarge", TestName = "Copy for 12 h: 54 GB of recording outgrows the large's 50 GB store")]
    [TestCase(VideoMode.Copy, 12.0, 40.0, "c5d.4xlarge", TestName = "A recording larger than every store: the largest")]
    public void Picks_the_smallest_c5d_with_half_its_CPU_to_spare_and_a_store_that_holds_the_class(VideoMode mode, double hours, double mbps, string expected)
    {
        Assert.That(InstanceSizing.For(mode, TimeSpan.FromHours(hours), mbps).InstanceType, Is.EqualTo(expected));
    }

    [Test]
    public void Every_mode_other_than_copy_may_transcode_and_is_sized_for_it()
    {
        foreach (var mode in Enum.GetValues<VideoMode>().Where(m => m != VideoMode.Copy))
            Assert.That(InstanceSizing.CoresNeeded(mode), Is.EqualTo(InstanceSizing.Transcode1080pCores), mode.ToString());
    }

    [Test]
    public void Each_pick_leaves_at_least_half_the_CPU_for_its_mode()
    {
        foreach (var mode in Enum.GetValues<VideoMode>())
        {
            var pick = InstanceSizing.For(mode, TimeSpan.FromHours(2), 8);
            Assert.That(InstanceSizing.CoresNeeded(mode) / pick.VCpus, Is.LessThanOrEqualTo(0.5), pick.InstanceType);
        }
    }

    [Test]
    public void The_operator_s_instance_type_wins()
    {
        var parse = LaunchArguments.Parse(LaunchSamples.Args("--instance-type", "m5d.large"), LaunchSamples.Now);

        Assert.That(parse.Request!.Instance.InstanceType, Is.EqualTo("m5d.large"));
    }

    [Test]
    public void A_transcoding_class_is_launched_on_the_larger_instance()
    {
        var parse = LaunchArguments.Parse(LaunchSamples.Args("--set", "Encoder:Video:Mode=transcode"), LaunchSamples.Now);

        Assert.That(parse.Request!.Instance.InstanceType, Is.EqualTo("c5d.xlarge"));
    }
}
