using Encoder.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Lifecycle;

/// <summary>The exit code of the daemon's own service graph in a real host (<see cref="DaemonHost"/>), as Program.cs returns it.</summary>
[TestFixture]
[OverlapsOtherWaiters]
[Category("Integration")]
public sealed class ClassEndInHostTests
{
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-classend-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    /// <summary>A service that fails while the class runs.</summary>
    private sealed class FailsMidClass : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(300, stoppingToken);
            throw new InvalidOperationException("a hosted service failed mid-class");
        }
    }

    [Test]
    public async Task A_service_failure_while_uploads_are_pending_exits_1_so_systemd_restarts_the_daemon_not_3()
    {
        var blocked = Path.Combine(_work, "not-a-folder");
        await File.WriteAllTextAsync(blocked, ""); // storage under a file: every put fails, so the drain leaves uploads pending
        var options = DaemonHost.Options(_work, Path.Combine(blocked, "storage"));
        DaemonHost.Recorded(new RecordingLayout(options));
        var builder = DaemonHost.Builder(options);
        builder.Services.AddHostedService<FailsMidClass>();
        using var host = builder.Build();

        var exitCode = await DaemonHost.RunAsync(host);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
    }
}
