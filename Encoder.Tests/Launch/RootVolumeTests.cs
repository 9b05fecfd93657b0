using Amazon.EC2;
using Encoder.Launch;

namespace Encoder.Tests.Launch;

public sealed class RootVolumeTests
{
    // GiB = 8 + ceil(1.25 × Mbit/s × seconds / 8 / 2^30)
    [TestCase(1.5, 8.0, 15)]
    [TestCase(1.5, 4.75, 12)]
    [TestCase(2, 6.0, 15)]
    [TestCase(12, 8.0, 59)]
    [TestCase(0, 8.0, 8)]
    [TestCase(-1, 8.0, 8)]
    public void The_root_volume_holds_the_system_and_the_whole_class_at_its_bitrate_with_a_quarter_to_spare(double hours, double mbps, int gib) =>
        Assert.That(RootVolume.SizeGiB(TimeSpan.FromHours(hours), mbps), Is.EqualTo(gib));

    // --set values → the bitrate the root volume is sized for
    [TestCase(new string[0], 8.0)]
    [TestCase(new[] { "--set", "Encoder:Video:Mode=transcode" }, 4.75)]
    [TestCase(new[] { "--set", "Encoder:Video:Mode=transcode", "--set", "Encoder:Video:BitrateKbps=12000" }, 12.25)]
    public void The_bitrate_is_the_transcode_bitrate_plus_audio_or_a_camera_s_when_copying(string[] extra, double mbps) =>
        Assert.That(LaunchArguments.Parse(LaunchSamples.Args(extra), LaunchSamples.Now).Request!.RecordingMbps, Is.EqualTo(mbps).Within(1e-9));

    [Test]
    public void The_mapping_grows_the_root_device_as_gp3_deleted_with_the_instance()
    {
        var mapping = RootVolume.Mapping(15);

        Assert.That((mapping.DeviceName, mapping.Ebs.VolumeSize, mapping.Ebs.VolumeType, mapping.Ebs.DeleteOnTermination), Is.EqualTo(("/dev/xvda", 15, VolumeType.Gp3, true)));
    }
}
