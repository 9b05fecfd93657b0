namespace Encoder.Egress;

/// <summary>Each PID's last continuity counter: spots a packet that does not follow its PID's previous one.</summary>
internal sealed class ContinuityCheck
{
    private const byte NoCounter = 0xFF;
    private readonly byte[] _last = New();

    /// <summary>True when a packet with payload does not follow its PID's previous one (a lost or reordered packet).</summary>
    public bool Breaks(ReadOnlySpan<byte> packet)
    {
        var pid = TsPacket.Pid(packet);
        if (pid == TsPacket.NullPid || !TsPacket.HasPayload(packet))
            return false;
        var counter = TsPacket.ContinuityCounter(packet);
        var previous = _last[pid];
        _last[pid] = (byte)counter;
        if (previous == NoCounter || TsPacket.IsDiscontinuity(packet))
            return false;
        return counter != ((previous + 1) & 0x0F) && counter != previous; // one duplicate is allowed
    }

    public void Clear() => Array.Fill(_last, NoCounter);

    private static byte[] New()
    {
        var counters = new byte[TsPacket.NullPid + 1];
        Array.Fill(counters, NoCounter);
        return counters;
    }
}
