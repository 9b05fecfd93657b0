using Encoder.Egress;

namespace Encoder.Tests.Egress;

public sealed class RelayBlocksTests
{
    [Test]
    public void A_block_goes_back_to_the_pool_when_its_last_reference_is_released_and_is_reused()
    {
        var pool = new RelayBlockPool(blockBytes: 1024);
        var block = pool.Rent();
        block.Retain();

        block.Release();
        Assert.That(pool.Outstanding, Is.EqualTo(1), "one reference is still held");
        block.Release();
        Assert.That(pool.Outstanding, Is.Zero);
        Assert.That(pool.Rent(), Is.SameAs(block));
    }

    [Test]
    public void Releasing_more_often_than_retained_is_a_bug_that_throws()
    {
        var block = new RelayBlockPool().Rent();
        block.Release();

        Assert.That(block.Release, Throws.InvalidOperationException);
    }

    [Test]
    public void A_request_larger_than_the_pool_s_blocks_gets_a_one_off_block_that_is_not_pooled()
    {
        var pool = new RelayBlockPool(blockBytes: 1024);
        var big = pool.Rent(4096);
        big.Release();

        Assert.That(big.Bytes, Has.Length.EqualTo(4096));
        Assert.That(pool.Rent(), Is.Not.SameAs(big));
    }

    [Test]
    public void Slices_join_only_when_the_second_follows_the_first_in_the_same_block()
    {
        var pool = new RelayBlockPool();
        var block = pool.Rent();
        var other = pool.Rent();
        var first = new TsSlice(block, 0, 188);

        Assert.That(first.TryJoin(new TsSlice(block, 188, 376), out var joined), Is.True);
        Assert.That(joined, Is.EqualTo(new TsSlice(block, 0, 564)));
        Assert.That(first.TryJoin(new TsSlice(block, 376, 188), out _), Is.False, "a gap");
        Assert.That(first.TryJoin(new TsSlice(other, 188, 188), out _), Is.False, "another block");
    }

    [Test]
    public void The_ring_keeps_order_across_wrapping_and_growing()
    {
        var block = new RelayBlockPool().Rent();
        var ring = new SliceRing();
        var expected = new Queue<int>();
        var next = 0;
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 50 * (round + 1); i++, next++)
            {
                ring.PushBack(new TsSlice(block, next, 1));
                expected.Enqueue(next);
            }

            for (var i = 0; i < 40 * (round + 1); i++)
                Assert.That(ring.PopFront().Offset, Is.EqualTo(expected.Dequeue()));
        }

        Assert.That(ring.Count, Is.EqualTo(expected.Count));
        Assert.That(Enumerable.Range(0, ring.Count).Select(i => ring[i].Offset), Is.EqualTo(expected));
    }
}
