using System.Diagnostics;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// The class's end step (<see cref="ClassEndStep"/>) with its real parts around the given side effects, as the host
/// calls it once every service has stopped: the drain is represented by its report, the stop by its reason. Every
/// part logs into <see cref="Log"/>, in order.
/// </summary>
internal sealed class ClassEndRig
{
    private readonly EncoderOptions _options;
    private readonly RecordingLayout _layout;
    private readonly StopCause _cause;
    private readonly InstanceLookup _lookup;
    private readonly IInstanceTerminator _terminator;
    private readonly IShutdownCommand _shutdown;
    private readonly IInstanceKeeper _keeper;
    private readonly IRecordingStore _store;

    /// <param name="dmiRoot">Where the machine's firmware identity is read (<see cref="DmiRoot"/>); a folder without one is no EC2 machine.</param>
    public ClassEndRig(EncoderOptions options, IInstanceMetadata metadata, IInstanceTerminator terminator, IShutdownCommand shutdown, IInstanceKeeper keeper,
        IRecordingStore store, string dmiRoot, StopReason why = StopReason.SessionEnded, ListLogger<ClassEndStep>? log = null)
    {
        Log = log ?? new ListLogger<ClassEndStep>();
        _options = options;
        _layout = new RecordingLayout(options);
        _cause = StopCauses.Claimed(why, _layout);
        _lookup = new InstanceLookup(metadata, new DmiIdentity(dmiRoot), TimeProvider.System, Into<InstanceLookup>());
        _terminator = terminator;
        _shutdown = shutdown;
        _keeper = keeper;
        _store = store;
    }

    public ListLogger<ClassEndStep> Log { get; }

    public UploadDrainReport Drain { get; } = new();

    public DaemonExit Exit { get; } = new();

    /// <summary>The exit code the step decided.</summary>
    public int ExitCode => Exit.Code ?? throw new InvalidOperationException("the class's end step decided no exit code");

    /// <summary>Calls the step's <c>StoppedAsync</c>; returns how long it took.</summary>
    public async Task<TimeSpan> StoppedAsync()
    {
        var keeper = new PendingUploadsKeeper(_options, Drain, _layout, _lookup, _keeper, _store, new RootVolumeCopy(_layout), TimeProvider.System, Into<PendingUploadsKeeper>());
        var selfTerminator = new SelfTerminator(_lookup, _terminator, _shutdown, TimeProvider.System, Into<SelfTerminator>());
        var step = new ClassEndStep(_options, _cause, Drain, _layout, keeper, selfTerminator, Exit, TimeProvider.System, Log);
        var watch = Stopwatch.StartNew();
        await step.StoppedAsync(CancellationToken.None);
        return watch.Elapsed;
    }

    /// <summary>A firmware identity under <paramref name="root"/>: EC2's (<c>Amazon EC2</c>, the instance id as asset tag) or a laptop's.</summary>
    public static string DmiRoot(string root, bool ec2)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, DmiIdentity.Folder)).FullName;
        File.WriteAllText(Path.Combine(folder, "sys_vendor"), ec2 ? "Amazon EC2\n" : "LENOVO\n");
        File.WriteAllText(Path.Combine(folder, "board_asset_tag"), ec2 ? "i-0123456789abcdef0\n" : "\n");
        return root;
    }

    private Forward<T> Into<T>() => new(Log);

    private sealed class Forward<T>(ILogger into) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            into.Log(logLevel, eventId, state, exception, formatter);
    }
}
