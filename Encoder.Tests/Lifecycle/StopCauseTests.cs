using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Lifecycle;

public sealed class StopCauseTests
{
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-stopcause-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    // claimed by the session clock, hard-stop marker, class-ended marker → why the host stops
    [TestCase(null, false, false, StopReason.OperatorStop)]
    [TestCase(null, true, false, StopReason.HardStop)]
    [TestCase(null, false, true, StopReason.ClassEndedByOperator)]
    [TestCase(null, true, true, StopReason.HardStop)]
    [TestCase(StopReason.SessionEnded, false, false, StopReason.SessionEnded)]
    [TestCase(StopReason.SessionEnded, true, true, StopReason.SessionEnded)]
    [TestCase(StopReason.ClassEndedByOperator, false, true, StopReason.ClassEndedByOperator)]
    public void A_stop_is_explained_by_who_claimed_it_else_by_the_markers_else_it_is_an_operator_s_SIGTERM(
        StopReason? claimed, bool hardStopMarker, bool classEndedMarker, StopReason expected)
    {
        var layout = new RecordingLayout(new EncoderOptions { SessionId = "class-1", Recording = { Directory = Path.Combine(_work, "recordings") } });
        Directory.CreateDirectory(layout.SessionDirectory);
        var runtime = Directory.CreateDirectory(Path.Combine(_work, "run")).FullName;
        if (hardStopMarker)
            File.WriteAllText(Path.Combine(runtime, ClassEndMarkers.HardStopFileName), "");
        if (classEndedMarker)
            ClassEndMarkers.EndClass(layout, DateTimeOffset.UtcNow);
        var cause = StopCauses.Unclaimed(layout, runtime);
        if (claimed is { } reason)
            cause.Claim(reason);

        Assert.That(cause.Resolve(), Is.EqualTo(expected));
        Assert.That(cause.Reason, Is.EqualTo(expected));
    }

    private sealed class Throws : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new InvalidOperationException("a hosted service failed");
        }
    }

    [Test]
    public async Task A_hosted_service_that_throws_in_ExecuteAsync_stops_the_host_as_a_failure_naming_the_service()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(new RecordingLayout(new EncoderOptions { SessionId = "class-1", Recording = { Directory = _work } }));
        builder.Services.AddSingleton<StopCause>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StopCause>());
        builder.Services.AddHostedService<Throws>();
        using var host = builder.Build();
        var cause = host.Services.GetRequiredService<StopCause>();

        Assert.That(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.BackgroundServiceExceptionBehavior,
            Is.EqualTo(BackgroundServiceExceptionBehavior.StopHost), "a failed service stops the host");
        Exception? thrown = null;
        try
        {
            await host.StartAsync();
            await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(10)); // stops the host without disposing it
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex; // Program.cs turns this into exit code 1 as well
        }

        Assert.That(cause.Reason, Is.EqualTo(StopReason.Failure), $"thrown: {thrown}");
        Assert.That(cause.FailedServices(), Is.EqualTo(new[] { nameof(Throws) }), "the class's end reads it: exit 1");
    }
}
