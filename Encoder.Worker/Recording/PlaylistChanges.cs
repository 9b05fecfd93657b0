using Microsoft.Extensions.Logging;

namespace Encoder.Recording;

/// <summary>
/// Tells the playlist's readers (<see cref="PlaylistWatch"/>, the uploader) when the recorder has put a new playlist in place, so that they need not poll.
/// FFmpeg writes the playlist beside and renames it in (<c>hls_flags temp_file</c>); the kernel reports the rename
/// (inotify, through <see cref="FileSystemWatcher"/>, watching file names only: a segment's writes do not wake it).
/// Where the watch cannot be set up (no inotify instances left), <see cref="Watching"/> is false and they poll.
/// The watch starts when it is first asked, after the services before the asker have started.
/// </summary>
public sealed class PlaylistChanges : IDisposable
{
    /// <summary>How long a reader waits for a change before it looks anyway: a missed event costs at most this.</summary>
    public static readonly TimeSpan DefaultFallback = TimeSpan.FromSeconds(2);

    private readonly RecordingLayout _layout;
    private readonly ILogger<PlaylistChanges> _logger;
    private readonly Lazy<FileSystemWatcher?> _watcher;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PlaylistChanges(RecordingLayout layout, ILogger<PlaylistChanges> logger, TimeSpan? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        _logger = logger;
        Fallback = fallback ?? DefaultFallback;
        _watcher = new Lazy<FileSystemWatcher?>(Watch);
    }

    private FileSystemWatcher? Watch()
    {
        try
        {
            Directory.CreateDirectory(_layout.SessionDirectory);
            var watcher = new FileSystemWatcher(_layout.SessionDirectory, RecordingLayout.PlaylistFileName)
            {
                NotifyFilter = NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
            watcher.Created += (_, _) => Changed();
            watcher.Renamed += (_, _) => Changed();
            watcher.Error += (_, _) => Changed(); // an overflowed queue may have lost the rename: look now
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _logger.LogWarning("Cannot watch {Directory} for new playlists ({Error}); the playlist is polled instead",
                _layout.SessionDirectory, ex.Message);
            return null;
        }
    }

    /// <summary>False when there is no watch: the readers must poll.</summary>
    public bool Watching => _watcher.Value is not null;

    /// <summary>How long to wait for <see cref="Next"/> before looking anyway.</summary>
    public TimeSpan Fallback { get; }

    /// <summary>Completes at the first change after it was read: read it before looking at the playlist, so none is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    private void Changed() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Dispose()
    {
        if (_watcher.IsValueCreated)
            _watcher.Value?.Dispose();
    }
}
