using Encoder.Content;
using static Encoder.Content.ContentObservation;

namespace Encoder.Tests.Content;

/// <summary>The watch's stdout, as FFmpeg 5.1 prints it (metadata lines beside the progress blocks), read into observations.</summary>
public sealed class ContentLineParserTests
{
    private static List<ContentObservation> Read(params string[] lines)
    {
        var parser = new ContentLineParser();
        return [.. lines.Select(parser.Add).OfType<ContentObservation>()];
    }

    [Test]
    public void A_keyframe_s_luma_then_change_make_one_picture_and_the_run_s_first_has_no_change()
    {
        var observations = Read(
            "frame:0    pts:0       pts_time:0", "lavfi.signalstats.YHIGH=235", "frame:0    pts:0       pts_time:0", "lavfi.signalstats.YDIF=0",
            "frame=1", "out_time_us=1000000", "progress=continue",
            "frame:1    pts:91850   pts_time:1.02056", "lavfi.signalstats.YHIGH=16", "frame:1    pts:91850   pts_time:1.02056", "lavfi.signalstats.YDIF=106.089");

        Assert.That(observations, Is.EqualTo(new ContentObservation[] { new Picture(235, null), new Picture(16, 106.089) }));
    }

    [TestCase("lavfi.astats.Overall.RMS_level=-4.949341", -4.949341, TestName = "A sine tone")]
    [TestCase("lavfi.astats.Overall.RMS_level=-inf", ContentMeasurements.SilenceFloorDbfs, TestName = "Digital silence is the floor, not infinity")]
    [TestCase("lavfi.astats.Overall.RMS_level=nan", ContentMeasurements.SilenceFloorDbfs, TestName = "No number is no sound")]
    public void Each_rms_level_is_half_a_second_of_sound(string line, double dbfs)
    {
        Assert.That(Read(line), Is.EqualTo(new ContentObservation[] { new Sound(dbfs) }));
    }

    [Test]
    public void Progress_frame_lines_and_a_change_without_its_luma_say_nothing()
    {
        Assert.That(Read("frame=12", "progress=continue", "frame:3 pts:1 pts_time:0.1", "lavfi.signalstats.YDIF=3", "lavfi.other=1", "garbage"), Is.Empty);
    }

    [Test]
    public void The_command_reads_the_relay_decoding_only_keyframes_and_prints_its_measurements_to_stdout()
    {
        var arguments = ContentMeasurements.Arguments("/run/encoder/relay/out.sock");

        Assert.That(string.Join(' ', arguments), Does.Contain("-threads 1 -skip_frame nokey -f mpegts -i unix:/run/encoder/relay/out.sock"));
        Assert.That(arguments, Does.Contain("-fps_mode").And.Contain("passthrough"));
        Assert.That(arguments.Where(a => a.Contains("metadata=mode=print", StringComparison.Ordinal)).Select(a => a.Split("file='pipe\\:1':direct=1").Length - 1),
            Is.EqualTo(new[] { 2, 1 }), "each measurement goes to stdout, unbuffered");
        Assert.That(arguments.TakeLast(3), Is.EqualTo(new[] { "-f", "null", "-" }), "it writes nothing");
    }
}
