using Encoder.Replay;

namespace Encoder.Tests.Replay;

/// <summary>The keyframe decode's arguments and what it prints, the tile size, and the size a JPEG declares.</summary>
public sealed class KeyframePicturesTests
{
    [Test]
    public void The_decode_measures_each_keyframe_from_its_frame_line_and_signalstats_lines()
    {
        string[] stdout =
        [
            "frame:0    pts:0       pts_time:0",
            "lavfi.signalstats.YMIN=16",
            "lavfi.signalstats.YLOW=41",
            "lavfi.signalstats.YAVG=125.273",
            "lavfi.signalstats.YHIGH=210",
            "frame:1    pts:180000  pts_time:2",
            "lavfi.signalstats.YLOW=16",
            "lavfi.signalstats.YHIGH=16.5",
            "frame:2    pts:-900  pts_time:-0.01",
            "lavfi.signalstats.YLOW=20",
            "frame:3    pts:360000  pts_time:4",
            "lavfi.signalstats.YLOW=20",
            "lavfi.signalstats.YHIGH=30",
        ];

        Assert.That(KeyframePictures.Parse(stdout), Is.EqualTo(new[]
        {
            new KeyframeLook(0, TimeSpan.Zero, 41, 210),
            new KeyframeLook(1, TimeSpan.FromSeconds(2), 16, 16.5),
            new KeyframeLook(3, TimeSpan.FromSeconds(4), 20, 30),
        }), "frame 2 lacks YHIGH: left out");
    }

    [TestCase(640, 360, 90)]
    [TestCase(1920, 1080, 90)]
    [TestCase(1280, 720, 90)]
    [TestCase(640, 480, 120, TestName = "4:3 keeps its aspect")]
    [TestCase(720, 576, 128, TestName = "PAL's 5:4 pixels: rounded to an even height")]
    [TestCase(4000, 20, 2, TestName = "Never less than two lines")]
    public void A_tile_is_160_wide_keeping_the_pictures_aspect_with_an_even_height(int width, int height, int tileHeight) =>
        Assert.That(KeyframePictures.TileFor(new PictureSize(width, height)), Is.EqualTo(new PictureSize(160, tileHeight)));

    [TestCase(new[] { "640,360", "" }, 640, 360)]
    [TestCase(new[] { "", "1920,1080" }, 1920, 1080)]
    [TestCase(new[] { "N/A,N/A" }, 0, 0, TestName = "No size: null")]
    public void Ffprobes_size_line_is_read(string[] lines, int width, int height) =>
        Assert.That(KeyframePictures.ParseSize(lines), Is.EqualTo(width == 0 ? null : new PictureSize(width, height)));

    [Test]
    public void Full_size_candidates_are_written_only_while_the_poster_is_being_chosen()
    {
        var tile = new PictureSize(160, 90);
        var with = string.Join(' ', KeyframePictures.DecodeArguments("seg_00001.ts", tile, candidates: true));
        var without = string.Join(' ', KeyframePictures.DecodeArguments("seg_00001.ts", tile, candidates: false));

        Assert.That(with, Does.Contain("-skip_frame nokey -i seg_00001.ts").And.Contain("scale=160:90:flags=area,signalstats").And.Contain(KeyframePictures.CandidatePattern));
        Assert.That(without, Does.Contain("-skip_frame nokey -i seg_00001.ts").And.Not.Contain("replay-candidate").And.Not.Contain("split"));
        Assert.That(with, Does.Contain("-fps_mode passthrough -f rawvideo -pix_fmt yuv420p " + KeyframePictures.TilesFileName), "every keyframe, none dropped or repeated");
    }

    [TestCase(100, "tile=10x10")]
    [TestCase(23, "tile=10x3", TestName = "The last sheet has only the rows it needs")]
    [TestCase(1, "tile=10x1")]
    public void A_sheet_has_as_many_rows_as_its_tiles_need(int tiles, string filter) =>
        Assert.That(KeyframePictures.SheetArguments("raw", new PictureSize(160, 90), tiles, 10, "out.jpg"), Does.Contain(filter));

    [Test]
    public void A_JPEGs_size_is_read_from_its_start_of_frame()
    {
        // SOI, an APP0 segment, then SOF0 (baseline): height 360, width 640.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x68, 0x02, 0x80, 0x03, 0x01, 0x22, 0x00];
        Assert.That(KeyframePictures.JpegSize(jpeg), Is.EqualTo(new PictureSize(640, 360)));
        Assert.That(KeyframePictures.JpegSize([0x89, 0x50, 0x4E, 0x47]), Is.Null, "not a JPEG");
        Assert.That(KeyframePictures.JpegSize([0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x04, 0, 0, 0xFF, 0xD9]), Is.Null, "no start of frame");
    }

    [Test]
    public void A_4_2_0_tile_is_one_and_a_half_bytes_a_pixel() =>
        Assert.That(new PictureSize(160, 90).Yuv420Bytes, Is.EqualTo(21_600));
}
