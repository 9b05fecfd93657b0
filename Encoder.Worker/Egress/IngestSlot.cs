namespace Encoder.Egress;

/// <summary>One of the CDN's ingest entry points.</summary>
public sealed record IngestSlot(string Name, string Url)
{
    public const string PrimaryName = "primary";
    public const string SecondaryName = "secondary";

    public override string ToString() => Name;
}
