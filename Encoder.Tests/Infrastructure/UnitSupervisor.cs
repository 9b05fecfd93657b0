using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The settings of a <c>Type=notify</c> unit that decide whether a failing start is tried again, read from the unit file
/// itself: <c>Restart=</c>, <c>RestartSec=</c>, <c>RestartPreventExitStatus=</c>, <c>StartLimitIntervalSec=</c>,
/// <c>StartLimitBurst=</c> and <c>TimeoutStartSec=</c>, with systemd's defaults for those it does not set.
/// </summary>
internal sealed partial record UnitRestartSettings(
    string Restart,
    TimeSpan RestartSec,
    IReadOnlySet<int> RestartPreventExitStatus,
    TimeSpan StartLimitInterval,
    int StartLimitBurst,
    TimeSpan TimeoutStartSec)
{
    /// <summary>Keys systemd ≥ 254 reads that this stand-in does not play: a unit that uses them must be played by a newer stand-in.</summary>
    private static readonly string[] NotPlayed = ["RestartSteps", "RestartMaxDelaySec", "RestartMode"];

    public static UnitRestartSettings Read(string unitFile)
    {
        var text = File.ReadAllText(unitFile);
        string? Setting(string key) => Regex.Matches(text, $"^{key}=(.*)$", RegexOptions.Multiline).LastOrDefault()?.Groups[1].Value.Trim();
        foreach (var key in NotPlayed)
        {
            if (Setting(key) is not null)
                throw new NotSupportedException($"{unitFile} sets {key}=, which UnitSupervisor does not play yet");
        }

        return new UnitRestartSettings(
            Setting("Restart") ?? "no",
            Duration(Setting("RestartSec") ?? "100ms"),
            (Setting("RestartPreventExitStatus") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet(),
            Duration(Setting("StartLimitIntervalSec") ?? "10s"),
            int.Parse(Setting("StartLimitBurst") ?? "5", CultureInfo.InvariantCulture),
            Duration(Setting("TimeoutStartSec") ?? "90s"));
    }

    /// <summary>A systemd time span ("5s", "10min", "1min 30s", "0", "infinity"); a bare number is seconds.</summary>
    public static TimeSpan Duration(string value)
    {
        if (value == "infinity")
            return Timeout.InfiniteTimeSpan;
        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(value))
        {
            var number = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "" or "s" or "sec" or "second" or "seconds" => TimeSpan.FromSeconds(number),
                "ms" or "msec" => TimeSpan.FromMilliseconds(number),
                "us" or "usec" => TimeSpan.FromMicroseconds(number),
                "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(number),
                "h" or "hr" or "hour" or "hours" => TimeSpan.FromHours(number),
                var unit => throw new FormatException($"unknown time unit '{unit}' in '{value}'"),
            };
        }

        return total;
    }

    /// <summary>Whether <c>Restart=</c> restarts after this end of the main process (systemd.service(5), "Restart=" table).</summary>
    public bool Restarts(UnitEnd end) => Restart switch
    {
        "always" => !RestartPreventExitStatus.Contains(end.ExitCode),
        "on-failure" => end.TimedOut || (end.ExitCode != 0 && !RestartPreventExitStatus.Contains(end.ExitCode)),
        "no" => false,
        _ => throw new NotSupportedException($"Restart={Restart} is not played"),
    };

    [GeneratedRegex(@"(?<n>[0-9]+(\.[0-9]+)?)\s*(?<unit>[a-z]*)")]
    private static partial Regex DurationPart();
}

/// <summary>How one run of the main process ended: its exit code, and whether the start timed out (systemd then SIGTERMs it).</summary>
internal sealed record UnitEnd(int ExitCode, bool TimedOut, TimeSpan Ran, string Output);

/// <summary>
/// Plays systemd's part for one <c>Type=notify</c> service, as <see cref="UnitRestartSettings"/> says: gives the process a
/// <c>NOTIFY_SOCKET</c>, kills a start that sends no <c>READY=1</c> within <c>TimeoutStartSec=</c> (extended by
/// <c>EXTEND_TIMEOUT_USEC=</c>), restarts after <c>RestartSec=</c> what <c>Restart=</c> restarts, and gives up for good
/// (<c>start-limit-hit</c>) when a start would be the (<c>StartLimitBurst=</c>+1)th within <c>StartLimitIntervalSec=</c>.
/// Not played: the watchdog, <c>ExecStopPost=</c>, the sandbox.
/// </summary>
internal sealed class UnitSupervisor : IAsyncDisposable
{
    private readonly UnitRestartSettings _unit;
    private readonly Func<Dictionary<string, string>, ChildProcess> _start;
    private readonly string _folder = Directory.CreateTempSubdirectory("encoder-unit-").FullName;
    private readonly Socket _notify = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<DateTimeOffset> _starts = [];
    private readonly List<UnitEnd> _ends = [];
    private readonly List<string> _notifications = [];
    private readonly Lock _gate = new();
    private readonly Task _receiving;
    private readonly Task _running;
    private ChildProcess? _current;
    private DateTimeOffset _startDeadline;
    private bool _ready;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private UnitSupervisor(UnitRestartSettings unit, Func<Dictionary<string, string>, ChildProcess> start)
    {
        _unit = unit;
        _start = start;
        _notify.Bind(new UnixDomainSocketEndPoint(NotifySocket));
        _receiving = ReceiveAsync();
        _running = RunAsync();
    }

    private string NotifySocket => Path.Combine(_folder, "notify");

    /// <summary>Starts the service as systemd would; <paramref name="start"/> starts one run of its main process with the environment given.</summary>
    public static UnitSupervisor Start(UnitRestartSettings unit, Func<Dictionary<string, string>, ChildProcess> start) => new(unit, start);

    /// <summary>Starts of the main process so far.</summary>
    public int Starts
    {
        get
        {
            lock (_gate)
                return _starts.Count;
        }
    }

    /// <summary>How each run ended so far.</summary>
    public IReadOnlyList<UnitEnd> Ends
    {
        get
        {
            lock (_gate)
                return [.. _ends];
        }
    }

    /// <summary>Every notification the service sent, one assignment each (<c>STATUS=…</c>, <c>READY=1</c>), in order.</summary>
    public IReadOnlyList<string> Notifications
    {
        get
        {
            lock (_gate)
                return [.. _notifications];
        }
    }

    /// <summary>True once systemd would have given up on the unit: <c>start-limit-hit</c>, or a failure <c>Restart=</c> does not restart.</summary>
    public bool GaveUp => _running.IsCompleted && !_stop.IsCancellationRequested;

    public bool StartLimitHit { get; private set; }

    /// <summary>When the running process said READY=1, counted from the supervisor's start; null before.</summary>
    public TimeSpan? ReadyAfter { get; private set; }

    public string Describe()
    {
        lock (_gate)
            return $"{_starts.Count} start(s), start-limit-hit: {StartLimitHit}; ends: {string.Join("; ", _ends.Select(e => $"exit {e.ExitCode}{(e.TimedOut ? " (start timed out)" : "")} after {e.Ran.TotalSeconds:0.0}s"))}\n"
                + $"notifications: {string.Join(" | ", _notifications)}\n"
                + string.Concat(_ends.Select((e, i) => $"run {i + 1}'s output:\n{Tail(e.Output)}\n")) + $"running: {Tail(_current?.Output ?? "")}";
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(20));

    /// <summary>The process now running, if any.</summary>
    public ChildProcess? Current => _current;

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            lock (_gate)
            {
                if (_unit.StartLimitInterval > TimeSpan.Zero && _starts.Count(s => now - s < _unit.StartLimitInterval) >= _unit.StartLimitBurst)
                {
                    StartLimitHit = true;
                    return;
                }

                _starts.Add(now);
                _ready = false;
                _startDeadline = _unit.TimeoutStartSec == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : now + _unit.TimeoutStartSec;
            }

            var process = _start(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = NotifySocket });
            _current = process;
            var clock = Stopwatch.StartNew();
            var timedOut = false;
            while (!process.HasExited && !_stop.IsCancellationRequested)
            {
                bool late;
                lock (_gate)
                    late = !_ready && DateTimeOffset.UtcNow > _startDeadline;
                if (late && !timedOut)
                {
                    timedOut = true; // "start operation timed out. Terminating."
                    process.Signal(Signals.SigTerm);
                }

                await Task.WhenAny(Task.Delay(100, _stop.Token)).ConfigureAwait(false);
            }

            if (_stop.IsCancellationRequested)
                return;
            var end = new UnitEnd(process.ExitCode, timedOut, clock.Elapsed, process.Output);
            lock (_gate)
                _ends.Add(end);
            await process.DisposeAsync();
            _current = null;
            if (!_unit.Restarts(end))
                return;
            await Task.WhenAny(Task.Delay(_unit.RestartSec, _stop.Token)).ConfigureAwait(false);
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _notify.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lock (_gate)
                {
                    _notifications.Add(line);
                    if (line == "READY=1")
                    {
                        _ready = true;
                        ReadyAfter ??= _clock.Elapsed;
                    }
                    else if (line.StartsWith("EXTEND_TIMEOUT_USEC=", StringComparison.Ordinal)
                        && long.TryParse(line["EXTEND_TIMEOUT_USEC=".Length..], CultureInfo.InvariantCulture, out var usec))
                    {
                        // Only ever later: "the service must send a new message within the time given".
                        var extended = DateTimeOffset.UtcNow + TimeSpan.FromMicroseconds(usec);
                        if (extended > _startDeadline)
                            _startDeadline = extended;
                    }
                }
            }
        }
    }

    /// <summary>Stops the service as <c>systemctl stop</c> does (SIGTERM to the main process) and restarts nothing more.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        if (_current is { } process)
            await process.DisposeAsync();
        _notify.Dispose();
        await _receiving;
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
