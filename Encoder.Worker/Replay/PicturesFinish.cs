using Encoder.Storage;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// The pictures' passes, one at a time: a pass while the class runs (the segments new in the playlist, then what is made stored),
/// and the pass at the class's end (<see cref="FinishAsync"/>): the last segments, the poster if not chosen yet, the last sheet and
/// the WebVTT file, within <see cref="FinishBudget"/>. Whatever fails is the pictures' problem, never the class's: a reason in
/// <c>session.json</c>; what storage did not take is left pending for a later final pass.
/// </summary>
internal sealed class PicturesFinish(ReplayPictures pictures, TimeProvider time, ILogger logger) : IDisposable
{
    private static readonly TimeSpan FinishBudget = TimeSpan.FromSeconds(25);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private ReplayOutcome? _finished;

    public void Dispose() => _turn.Dispose();

    /// <summary>One pass while the class runs; every exception but the stop's is caught here.</summary>
    public async Task PassAsync(CancellationToken stoppingToken)
    {
        await _turn.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await pictures.TakeInAsync(stoppingToken).ConfigureAwait(false);
            await StoreMadeAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            logger.LogDebug("A replay picture waits for storage: {Error}", ex.Message);
        }
#pragma warning disable CA1031 // whatever fails here is the pictures' problem, never the class's: it ends as a reason in session.json
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            pictures.GiveUp($"the replay's pictures failed: {ex.Message}");
        }
        finally
        {
            _turn.Release();
        }
    }

    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        if (!pictures.Enabled)
        {
            const string off = "the replay is turned off (Replay:Enabled)";
            return new ReplayOutcome(new ReplayManifest(null, PosterProblem: off, StoryboardProblem: off), []);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(FinishBudget);
        try
        {
            await _turn.WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            const string busy = "the replay's pictures were still busy when the class ended";
            return new ReplayOutcome(new ReplayManifest(null, PosterProblem: busy, StoryboardProblem: busy), [pictures.Poster.Key, pictures.Storyboard.VttKey]);
        }

        try
        {
            if (_finished is { } finished)
                return finished;
            var (outcome, final) = await FinishTurnAsync(cancellationToken, budget.Token).ConfigureAwait(false);
            if (final)
                _finished = outcome;
            return outcome;
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<(ReplayOutcome Outcome, bool Final)> FinishTurnAsync(CancellationToken cancellationToken, CancellationToken budget)
    {
        var started = time.GetTimestamp();
        var (poster, storyboard) = (pictures.Poster, pictures.Storyboard);
        try
        {
            await pictures.TakeInAsync(budget).ConfigureAwait(false);
            poster.Finish(pictures.Recorded);
            await storyboard.CloseAsync(pictures.Recorded, budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The replay's pictures were not finished within {Seconds:0}s of the class's end", FinishBudget.TotalSeconds);
            return (Outcome($"not finished within {FinishBudget.TotalSeconds:0}s of the class's end", unfinished: true), false);
        }
#pragma warning disable CA1031 // a picture that cannot be made is a reason in session.json, never an exception in the drain
        catch (Exception ex) when (ex is not OperationCanceledException and not StorageUnavailableException)
#pragma warning restore CA1031
        {
            pictures.GiveUp($"the replay's pictures failed: {ex.Message}");
        }

        pictures.ReleaseWhenDone();
        try
        {
            await StoreMadeAsync(budget).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageUnavailableException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("The replay's pictures could not be stored yet: {Error}", ex.Message);
            return (Outcome($"not stored yet: {ex.Message}"), false);
        }
#pragma warning disable CA1031 // see above
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var reason = $"the replay's pictures could not be stored: {ex.Message}";
            poster.GiveUp(reason, chosenToo: true);
            pictures.GiveUp(reason);
            return (Outcome(null), true);
        }

        logger.LogInformation("The replay's pictures are finished in {Seconds:0.000}s: poster {Poster}, storyboard {Storyboard} ({Sheets} sprite sheets, {Tiles} tiles)",
            time.GetElapsedTime(started).TotalSeconds, poster.Poster?.Key ?? poster.Problem, storyboard.Vtt?.Key ?? storyboard.Problem, storyboard.Sheets, storyboard.Tiles);
        return (Outcome(null), true);
    }

    /// <summary>Stores what is made and not stored yet: the poster once chosen, each sprite sheet, the VTT once written. Throws what storage threw.</summary>
    private async Task StoreMadeAsync(CancellationToken cancellationToken)
    {
        await pictures.Poster.StoreAsync(cancellationToken).ConfigureAwait(false);
        await pictures.Storyboard.StoreAsync(pictures.Recorded, cancellationToken).ConfigureAwait(false);
        pictures.ReleaseWhenDone();
    }

    /// <summary>
    /// What <c>session.json</c> lists now; <paramref name="notStored"/> names why what is made but not stored is missing, and with
    /// <paramref name="unfinished"/> what is not made yet either (the end's budget ran out): a later final pass finishes it.
    /// </summary>
    private ReplayOutcome Outcome(string? notStored, bool unfinished = false)
    {
        var (poster, storyboard) = (pictures.Poster, pictures.Storyboard);
        var pending = new List<string>();
        if ((poster.Chosen || unfinished) && poster.Poster is null && poster.Problem is null)
            pending.Add(poster.Key);
        pending.AddRange(storyboard.Pending());
        var stored = pending.Count == 0 ? storyboard.Stored() : null;
        return new ReplayOutcome(new ReplayManifest(null,
            Poster: poster.Poster,
            PosterProblem: poster.Poster is not null ? null : poster.Problem ?? notStored ?? "no poster was chosen",
            Storyboard: stored,
            StoryboardProblem: stored is not null ? null : storyboard.Problem ?? notStored ?? "the storyboard was not finished"), pending);
    }
}
