using Encoder.Replay;

namespace Encoder.Tests.Replay;

public sealed class ReplayPartsTests
{
    private const long Part = 8 * 1024 * 1024;

    [TestCase(0L, false, 0L, TestName = "Nothing gathered: no part")]
    [TestCase(Part - 1, false, 0L, TestName = "Less than a part during the class: it waits for more")]
    [TestCase(Part, false, Part, TestName = "A whole part during the class goes up")]
    [TestCase((3 * Part) + 5, false, Part, TestName = "More than a part during the class: one part at a time, each whole")]
    [TestCase(Part - 1, true, Part - 1, TestName = "At the end what is left goes up as the last part, however small")]
    [TestCase(Part + 1, true, Part, TestName = "At the end a whole part first, then the rest")]
    [TestCase(0L, true, 0L, TestName = "At the end with nothing left: no part")]
    public void The_next_part_is_a_whole_part_or_at_the_end_what_is_left(long gathered, bool final, long expected)
    {
        Assert.That(ReplayParts.NextPart(gathered, Part, final), Is.EqualTo(expected));
    }

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(10_000, true)]
    [TestCase(10_001, false)]
    public void A_part_number_fits_between_1_and_10000(int number, bool fits)
    {
        Assert.That(ReplayParts.Fits(number), Is.EqualTo(fits));
    }
}
