using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// Drives the replay MP4 (<see cref="ReplayMovie"/>) while the class runs, so that at its end only the index is left to send:
/// whenever the playlist changes (or every 2 s) the new segments are taken in and the parts that are ready sent. At the
/// class's end the drain calls <see cref="FinishAsync"/> just before <c>session.json</c>, bounded by 30 s; storage failing then
/// leaves the MP4 pending for the drain's next try. Whatever else goes wrong, the replay gives up with a reason, which
/// <c>session.json</c> states: the VOD and the host never wait for it.
/// </summary>
public sealed class ReplayBuilder : BackgroundService, IReplayFinisher
{
    private static readonly TimeSpan FinishBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly ReplayMovie _movie;
    private readonly EncoderOptions _options;
    private readonly IRecordingStore _store;
    private readonly ILogger<ReplayBuilder> _logger;
    private readonly PlaylistChanges? _changes;
    private readonly SemaphoreSlim _turn = new(1, 1);

    public ReplayBuilder(EncoderOptions options, RecordingLayout layout, PlaylistReader playlists, SegmentLedger ledger, IRecordingDisk disk, SegmentRemux remux,
        IRecordingStore store, ILogger<ReplayBuilder> logger, PlaylistChanges? changes = null)
    {
        _movie = new ReplayMovie(options, layout, playlists, ledger, disk, remux, store, logger);
        _options = options;
        _store = store;
        _logger = logger;
        _changes = changes;
    }

    /// <summary>The MP4's upload an earlier run of this class begun and this one goes on with (the uploader's clean-up leaves it).</summary>
    public string? ContinuedUpload => _movie.ContinuedUpload;

    public override void Dispose()
    {
        _turn.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_movie.Enabled)
            return;
        try
        {
            _movie.Resume();
            while (!stoppingToken.IsCancellationRequested && !_movie.GaveUp)
            {
                var changed = _changes is { Watching: true } ? _changes.Next : null;
                await _turn.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await _movie.TakeInAsync(stoppingToken).ConfigureAwait(false);
                    await _movie.SendAsync(final: false, stoppingToken).ConfigureAwait(false);
                }
                catch (StorageUnavailableException ex)
                {
                    _logger.LogDebug("A replay part waits for storage: {Error}", ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _movie.GiveUp($"the replay failed: {ex.Message}"); // never the host's failure: the VOD goes on
                }
                finally
                {
                    _turn.Release();
                }

                var delay = Task.Delay(Poll, stoppingToken);
                await (changed is null ? delay : Task.WhenAny(changed, delay)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The class is ending: the drain finishes the replay.
        }
    }

    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        if (!_movie.Enabled)
            return ReplayOutcome.Missing(_options.Replay.Enabled ? "the store cannot put an object in parts" : "the replay is turned off (Replay:Enabled)");
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(FinishBudget);
        try
        {
            await _turn.WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new ReplayOutcome(new ReplayManifest(null, "the replay was still busy when the class ended"), [_movie.Mp4Key]);
        }

        try
        {
            _movie.Resume();
            return _movie.Finished ?? await _movie.FinishAsync(budget.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageUnavailableException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.LogWarning("The replay {Object} could not be stored yet: {Error}", _store.Describe(_movie.Mp4Key), ex.Message);
            return new ReplayOutcome(new ReplayManifest(null, $"not stored yet: {ex.Message}"), [_movie.Mp4Key]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return _movie.Fail($"the replay failed: {ex.Message}");
        }
        finally
        {
            _turn.Release();
        }
    }
}
