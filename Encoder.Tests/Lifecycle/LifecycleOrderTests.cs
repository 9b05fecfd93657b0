using Encoder.Aws;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// The lifecycle's order, observed in the daemon's own graph in a real host (<see cref="DaemonHost"/>): an operator
/// ends the class, the host stops every service, the uploader drains, and only then does the class's end step look
/// the instance up and terminate it, once.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class LifecycleOrderTests
{
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-order-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    /// <summary>What the host looked like when the class's end step first asked which instance this is.</summary>
    private sealed record Moment(bool DrainCompleted, IReadOnlyList<string> StillRunning, StopReason? Why);

    /// <summary>Names an instance, and notes the moment it is first asked.</summary>
    private sealed class ObservingMetadata : IInstanceMetadata
    {
        public Func<Moment>? Observe { get; set; }

        public List<Moment> Asked { get; } = [];

        public Uri Endpoint { get; } = new("http://metadata.test/");

        public Task<MetadataLookup> GetIdentityAsync(CancellationToken cancellationToken)
        {
            Asked.Add(Observe!());
            return Task.FromResult(MetadataLookup.Found(new InstanceIdentity("i-0123456789abcdef0", "eu-west-1")));
        }

        public Task<string?> GetRootDeviceAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }

    private sealed class CountingTerminator : IInstanceTerminator
    {
        public List<string> Terminated { get; } = [];

        public Task<TerminationResult> TerminateAsync(InstanceIdentity instance, CancellationToken cancellationToken)
        {
            Terminated.Add(instance.InstanceId);
            return Task.FromResult(new TerminationResult("running", "shutting-down"));
        }
    }

    [Test]
    public async Task The_class_s_end_acts_once_every_service_has_stopped_and_the_drain_has_stored_the_recording()
    {
        var options = DaemonHost.Options(_work, Path.Combine(_work, "storage"));
        options.SelfTerminate = new() { Enabled = true, TimeoutSeconds = 5 };
        options.ShutdownTimeout = TimeSpan.FromSeconds(15);
        var layout = new RecordingLayout(options);
        DaemonHost.Recorded(layout);
        ClassEndMarkers.EndClass(layout, DateTimeOffset.UtcNow); // encoder end-class: the session clock stops the host once it has started
        var metadata = new ObservingMetadata();
        var terminator = new CountingTerminator();
        using var host = DaemonHost.Builder(options, services =>
        {
            services.TryAddSingleton<IInstanceMetadata>(metadata);
            services.TryAddSingleton<IInstanceTerminator>(terminator);
            services.TryAddSingleton(new DmiIdentity(Path.Combine(_work, "no-firmware")));
        }).Build();
        var drain = host.Services.GetRequiredService<UploadDrainReport>();
        var cause = host.Services.GetRequiredService<StopCause>();
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        metadata.Observe = () => new Moment(drain.Completed,
            [.. services.Where(s => s.ExecuteTask is { IsCompleted: false }).Select(s => s.GetType().Name)], cause.Reason);

        var exitCode = await DaemonHost.RunAsync(host);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(metadata.Asked, Has.Count.EqualTo(1), "the instance is looked up once, at the end");
        var asked = metadata.Asked[0];
        Assert.That(asked.Why, Is.EqualTo(StopReason.ClassEndedByOperator));
        Assert.That(asked.DrainCompleted, Is.True, "the instance is looked up only after the drain");
        Assert.That(asked.StillRunning, Is.Empty, "the class's end acts only once every service has stopped");
        Assert.That(services.Select(s => s.GetType().Name), Does.Contain(nameof(SegmentUploader)).And.Contain("RecorderService"));
        Assert.That(terminator.Terminated, Is.EqualTo(new[] { "i-0123456789abcdef0" }));
        Assert.That(drain.Pending, Is.Empty);
        Assert.That(File.Exists(Path.Combine(options.Storage.Directory, "class-1", "seg_00000.ts")), Is.True, "the drain stored the recording");
    }
}
