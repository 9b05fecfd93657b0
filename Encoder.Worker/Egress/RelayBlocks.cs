namespace Encoder.Egress;

/// <summary>
/// A pooled buffer the relay receives datagrams into, shared by reference: the GOP cache and every egress's queue
/// hold slices of it and count themselves in; the last one out returns it to its <see cref="RelayBlockPool"/>.
/// Datagrams are received one after another into the same block, so consecutive ones form one contiguous slice.
/// </summary>
public sealed class RelayBlock
{
    private readonly RelayBlockPool? _pool;
    private int _references;

    internal RelayBlock(RelayBlockPool? pool, int bytes)
    {
        _pool = pool;
        Bytes = new byte[bytes];
    }

    public byte[] Bytes { get; }

    internal void Rent() => _references = 1;

    public void Retain() => Interlocked.Increment(ref _references);

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
            _pool?.Return(this);
        else if (left < 0)
            throw new InvalidOperationException("A relay block was released more often than it was retained.");
    }
}

/// <summary>Part of a <see cref="RelayBlock"/>: whole TS packets, one datagram or a run of them.</summary>
public readonly record struct TsSlice(RelayBlock Block, int Offset, int Length)
{
    public ReadOnlySpan<byte> Span => Block.Bytes.AsSpan(Offset, Length);

    public ReadOnlyMemory<byte> Memory => Block.Bytes.AsMemory(Offset, Length);

    public int End => Offset + Length;

    public TsSlice Slice(int start, int length) => new(Block, Offset + start, length);

    /// <summary>This slice and <paramref name="next"/> as one, when <paramref name="next"/> follows it in the same block.</summary>
    public bool TryJoin(TsSlice next, out TsSlice joined)
    {
        joined = ReferenceEquals(Block, next.Block) && End == next.Offset ? this with { Length = Length + next.Length } : default;
        return joined.Block is not null;
    }
}

/// <summary>
/// Blocks of one size, reused: the relay allocates while its working set grows (the cache's GOPs plus what the
/// egresses have not sent yet) and then never again. <see cref="Outstanding"/> counts blocks in use.
/// </summary>
public sealed class RelayBlockPool(int blockBytes = RelayBlockPool.DefaultBlockBytes)
{
    public const int DefaultBlockBytes = 256 * 1024; // seven whole datagrams
    private readonly Lock _lock = new();
    private readonly Stack<RelayBlock> _free = new();
    private int _outstanding;
    private long _created;

    public int BlockBytes => blockBytes;

    /// <summary>Blocks ever allocated: grows with the peak working set, not with the stream.</summary>
    public long Created => Interlocked.Read(ref _created);

    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>A block with one reference, the caller's; <paramref name="atLeast"/> beyond the pool's size gets a one-off block.</summary>
    public RelayBlock Rent(int atLeast = 0)
    {
        RelayBlock? block = null;
        if (atLeast <= blockBytes)
        {
            lock (_lock)
                _free.TryPop(out block);
        }

        if (block is null)
        {
            block = new RelayBlock(atLeast <= blockBytes ? this : null, Math.Max(atLeast, blockBytes));
            Interlocked.Increment(ref _created);
        }

        block.Rent();
        Interlocked.Increment(ref _outstanding);
        return block;
    }

    internal void Return(RelayBlock block)
    {
        Interlocked.Decrement(ref _outstanding);
        lock (_lock)
            _free.Push(block);
    }
}

/// <summary>A growable ring of slices (a deque): pushing and popping allocate nothing once it has grown.</summary>
public sealed class SliceRing
{
    private TsSlice[] _items = new TsSlice[64];
    private int _head;

    public int Count { get; private set; }

    public TsSlice this[int index] => _items[(_head + index) % _items.Length];

    public void PushBack(TsSlice slice)
    {
        if (Count == _items.Length)
        {
            var grown = new TsSlice[_items.Length * 2];
            for (var i = 0; i < Count; i++)
                grown[i] = this[i];
            _items = grown;
            _head = 0;
        }

        _items[(_head + Count) % _items.Length] = slice;
        Count++;
    }

    /// <summary>Extends the last slice when <paramref name="slice"/> follows it in the same block; no new reference needed.</summary>
    public bool TryJoinBack(TsSlice slice)
    {
        if (Count == 0)
            return false;
        var last = (_head + Count - 1) % _items.Length;
        if (!_items[last].TryJoin(slice, out var joined))
            return false;
        _items[last] = joined;
        return true;
    }

    public TsSlice PopFront()
    {
        var slice = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        Count--;
        return slice;
    }
}
