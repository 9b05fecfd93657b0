using Encoder.Configuration;

namespace Encoder.Egress;

/// <summary>The configured ingest slots.</summary>
public sealed class IngestPlan
{
    public IngestPlan(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Primary = new IngestSlot(IngestSlot.PrimaryName, options.Ingest.Primary);
        Secondary = string.IsNullOrEmpty(options.Ingest.Secondary)
            ? null
            : new IngestSlot(IngestSlot.SecondaryName, options.Ingest.Secondary);
        Mode = options.Ingest.Mode;
    }

    public IngestSlot Primary { get; }

    public IngestSlot? Secondary { get; }

    public IngestMode Mode { get; }

    public IReadOnlyList<IngestSlot> Slots => Secondary is null ? [Primary] : [Primary, Secondary];
}
