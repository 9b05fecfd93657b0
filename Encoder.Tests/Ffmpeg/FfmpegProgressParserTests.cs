using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class FfmpegProgressParserTests
{
    [Test]
    public void Emits_one_snapshot_per_block_ending_in_a_progress_line()
    {
        var parser = new FfmpegProgressParser();
        string[] block = ["frame=150", "fps=30.00", "out_time_us=5005000", "out_time=00:00:05.005000", "speed=1.01x"];

        Assert.That(block.Select(parser.Add), Is.All.Null);
        Assert.That(parser.Add("progress=continue"),
            Is.EqualTo(new FfmpegProgress(150, TimeSpan.FromMicroseconds(5_005_000), 1.01, IsEnd: false)));
    }

    [Test]
    public void Reads_the_last_block_and_tolerates_missing_values()
    {
        var parser = new FfmpegProgressParser();
        parser.Add("frame=0");
        parser.Add("out_time_us=N/A");
        parser.Add("speed=N/A");

        Assert.That(parser.Add("progress=end"), Is.EqualTo(new FfmpegProgress(0, TimeSpan.Zero, null, IsEnd: true)));
    }

    [Test]
    public void Starts_each_block_afresh()
    {
        var parser = new FfmpegProgressParser();
        parser.Add("frame=10");
        parser.Add("progress=continue");

        Assert.That(parser.Add("progress=continue")!.Frame, Is.Zero);
    }
}
