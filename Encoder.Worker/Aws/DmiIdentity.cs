namespace Encoder.Aws;

/// <summary>
/// What the machine's firmware says it is (DMI, as Linux shows it under <c>/sys/class/dmi/id</c>), read without the
/// network: it tells an EC2 instance whose metadata service is slow or away from a machine that is no EC2 instance at
/// all (a laptop, a CI runner). Both files are readable by any user. Read once, under the root given (<c>/</c>; a test
/// gives a folder of its own).
/// </summary>
public sealed class DmiIdentity(string root)
{
    public const string DefaultRoot = "/";

    /// <summary>Where the kernel shows the firmware's identity, relative to the root.</summary>
    public const string Folder = "sys/class/dmi/id";

    private readonly Lazy<bool> _saysEc2 = new(() => SaysEc2(Read(root, "sys_vendor"), Read(root, "board_asset_tag")));

    /// <summary>True when the firmware says this machine is an EC2 instance (<see cref="SaysEc2(string?, string?)"/>).</summary>
    public bool MachineSaysEc2 => _saysEc2.Value;

    /// <summary>
    /// EC2 names itself in the firmware: the system vendor is <c>Amazon EC2</c> (Nitro instances), and the board asset
    /// tag is the instance id (<c>i-…</c>). Anything else, or nothing (no DMI at all, as in a container), is not EC2.
    /// </summary>
    public static bool SaysEc2(string? sysVendor, string? boardAssetTag) =>
        string.Equals(sysVendor?.Trim(), "Amazon EC2", StringComparison.Ordinal)
        || (boardAssetTag?.Trim().StartsWith("i-", StringComparison.Ordinal) ?? false);

    private static string? Read(string root, string name)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, Folder, name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
