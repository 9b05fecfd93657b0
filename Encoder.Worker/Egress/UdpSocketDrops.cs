using System.Globalization;

namespace Encoder.Egress;

/// <summary>
/// The kernel's count of datagrams it dropped on the relay's UDP socket because its receive buffer was full: the
/// <c>drops</c> column of <c>/proc/net/udp</c> for the socket bound to the relay's loopback port. This is the loss a
/// GC pause or a saturated CPU causes, counted where it happens (continuity errors count it again, per TS packet).
/// </summary>
public static class UdpSocketDrops
{
    private const string ProcNetUdp = "/proc/net/udp";

    /// <summary>Reads the table; null where there is none (not Linux) or no socket is bound to the port.</summary>
    public static long? Read(int localPort)
    {
        if (localPort <= 0 || !File.Exists(ProcNetUdp))
            return null;
        try
        {
            return Parse(File.ReadAllText(ProcNetUdp), localPort);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The drops of the socket bound to 127.0.0.1:<paramref name="localPort"/> in a <c>/proc/net/udp</c> table
    /// (header line, then one line per socket: <c>sl local_address rem_address st … inode ref pointer drops</c>,
    /// addresses as little-endian hex <c>0100007F:1F90</c>); null when no line matches or the line is malformed.
    /// </summary>
    public static long? Parse(string table, int localPort)
    {
        var wanted = $"0100007F:{localPort:X4}";
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 13 || !string.Equals(fields[1], wanted, StringComparison.OrdinalIgnoreCase))
                continue;
            return long.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var drops) ? drops : null;
        }

        return null;
    }
}
