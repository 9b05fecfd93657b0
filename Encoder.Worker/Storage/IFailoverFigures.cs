namespace Encoder.Storage;

/// <summary>
/// What <c>session.json</c> tells of the ingests: the slots that carried the stream and this run's failovers. Kept by
/// the class's live state (<c>Status/EncoderStatus</c>); an interface here so that Storage does not import Status,
/// which imports Storage to store <c>status.json</c>.
/// </summary>
public interface IFailoverFigures
{
    int Failovers { get; }

    int Returns { get; }

    TimeSpan? LastFailoverTook { get; }

    List<string> SlotsThatStreamed();
}
