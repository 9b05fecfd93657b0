namespace Encoder.Storage;

/// <summary>
/// What the uploader's shutdown drain achieved: a fact the uploader reports, never an exit code. The class's end reads
/// it (the instance must not be destroyed while it holds the only copy of part of a class; exit 3 when the class is over).
/// </summary>
public sealed class UploadDrainReport
{
    private volatile IReadOnlyList<string>? _pending;

    /// <summary>True once the drain has finished (whether or not everything was stored).</summary>
    public bool Completed => _pending is not null;

    /// <summary>Local files that were not stored, as storage keys; empty when everything went up.</summary>
    public IReadOnlyList<string> Pending => _pending ?? [];

    public void Complete(IReadOnlyList<string> pending) => _pending = pending;
}
