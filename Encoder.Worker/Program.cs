using System.Runtime.InteropServices;
using Encoder;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Launch;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Recording;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;
using Serilog.Events;

if (args is [Encoder.Ffmpeg.MediaRunner.Verb, ..]) // hidden: the daemon starts it as encoder-media to run FFmpeg (Ffmpeg/MediaRunner)
    return Encoder.Ffmpeg.MediaRunner.Run(args);

// Every verb and option is the command line's (launch, end-class, help, version); what is left is the daemon's settings.
var commandLine = await EncoderCommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, Ec2InstanceLauncher.Create, SecretInputs.Process(Console.In));
if (commandLine.ExitCode is { } commandLineExit)
    return commandLineExit;
var endClass = commandLine.Verb == DaemonVerb.EndClass;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [.. commandLine.Settings],
    ContentRootPath = AppContext.BaseDirectory,
});

// Under journald, stderr's lines before logging starts carry their priority too (err), as the log's do.
var errorPrefix = EncoderLogging.DetectConsole(Environment.GetEnvironmentVariable, Console.IsOutputRedirected) == ConsoleKind.Journald ? "<3>" : "";
if (EncoderConfigFile.Add(builder.Configuration) is { } fileError)
{
    await Console.Error.WriteLineAsync($"{errorPrefix}encoder: configuration error: {fileError}");
    return ExitCodes.ConfigurationError;
}

// Everything but the secrets that are SSM references is checked before SSM is asked (end-class never asks it).
var sessionRecorded = (EncoderOptions o) => Directory.Exists(new RecordingLayout(o).SessionDirectory);
var references = SecretResolution.ReferencedKeys(builder.Configuration);
var unresolved = EncoderConfiguration.Load(builder.Configuration, TimeProvider.System.GetUtcNow(), sessionRecorded);
var earlyErrors = unresolved.Errors.Where(e => !SecretResolution.IsAbout(references, e)).ToList();
if (earlyErrors.Count > 0)
{
    foreach (var error in earlyErrors)
        await Console.Error.WriteLineAsync($"{errorPrefix}encoder: configuration error: {error}");
    return ExitCodes.ConfigurationError;
}

if (endClass)
    return EndClassCommand.Run(unresolved.Options, Console.Out, Console.Error, TimeProvider.System);

// The pre-flight on its own: no session lock (it runs beside the daemon); SSM within its budget; a table or JSON.
if (commandLine.Verb == DaemonVerb.Check)
    return await Encoder.Preflight.CheckCommand.RunAsync(builder.Configuration, commandLine.Json, Console.Out, Console.Error, TimeProvider.System, Environment.GetEnvironmentVariable);

// One daemon per session, before anything of the session is touched.
var lockAttempt = SessionLock.TryAcquire(SessionLock.PathFor(new RecordingLayout(unresolved.Options)), Environment.ProcessId);
using var sessionLock = lockAttempt.Lock;
if (sessionLock is null)
{
    await Console.Error.WriteLineAsync($"{errorPrefix}encoder: {lockAttempt.Describe(unresolved.Options.SessionId)}");
    return lockAttempt.Held ? ExitCodes.AlreadyRunning : ExitCodes.Failure;
}

// Secret settings that are SSM references (what `encoder launch` writes) are resolved once, before validation, waiting
// for an SSM that does not answer yet until the class's end, and telling systemd so (STATUS=, EXTEND_TIMEOUT_USEC=).
var systemd = new SystemdNotifier();
var waited = false;
var classEnd = SessionEnd.Compute(unresolved.Options.Session, TimeProvider.System.GetUtcNow())?.At;
var secretWait = new SecretWaitPolicy(TimeProvider.System, classEnd > TimeProvider.System.GetUtcNow() ? classEnd : null, wait =>
{
    waited = true;
    Console.Error.WriteLine($"{(errorPrefix.Length > 0 ? "<4>" : "")}encoder: {wait.Status}");
    if (systemd.IsEnabled)
        systemd.Notify(new ServiceState(string.Join('\n', wait.SystemdState())));
});
SecretResolutionResult secrets;
using (var stopped = new CancellationTokenSource())
using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stopped.Cancel(); }))
using (PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stopped.Cancel(); }))
    secrets = await SecretResolution.ResolveAsync(builder.Configuration, SsmSecretParameters.Create, secretWait, stopped.Token);
if (!secrets.IsValid)
{
    var kind = secrets.ExitCode == ExitCodes.ConfigurationError ? "configuration error" : "error";
    foreach (var error in secrets.Errors)
        await Console.Error.WriteLineAsync($"encoder: {kind}: {error}");
    return secrets.ExitCode;
}

if (waited && systemd.IsEnabled)
    systemd.Notify(new ServiceState(string.Join('\n', SecretWait.AnsweredState())));
builder.Configuration.AddInMemoryCollection(secrets.Values);

// A past Session:EndsAt with this session's recording on the machine is a late restart: it stores what is left and ends the class.
var configuration = EncoderConfiguration.Load(builder.Configuration, TimeProvider.System.GetUtcNow(), sessionRecorded);
var startErrors = configuration.IsValid ? EnvironmentChecks.Validate(configuration.Options) : configuration.Errors;
var (logLevels, logLevelErrors) = configuration.IsValid
    ? LogLevels.Read(builder.Configuration, Enum.Parse<LogEventLevel>(configuration.Options.Logging.Level, ignoreCase: true))
    : (LogLevels.Of(LogEventLevel.Information), (IReadOnlyList<string>)[]);
startErrors = [.. startErrors, .. logLevelErrors];
if (startErrors.Count > 0)
{
    foreach (var error in startErrors)
        await Console.Error.WriteLineAsync($"{errorPrefix}encoder: configuration error: {secrets.Explain(error)}");
    return ExitCodes.ConfigurationError;
}

var options = configuration.Options;
var redactor = SecretRedactor.For(options);
var console = EncoderLogging.DetectConsole(Environment.GetEnvironmentVariable, Console.IsOutputRedirected);
using var terminal = console == ConsoleKind.Terminal
    ? TerminalStatusLine.ForConsole(EncoderLogging.ConsoleFormatter(options.Logging.Format, console, redactor))
    : null;
Log.Logger = EncoderLogging.Create(logLevels, options.Logging.Format, console, new RecordingLayout(options).LogDirectory, redactor, terminal);
try
{
    if (terminal is not null)
        builder.Services.AddSingleton(terminal);
    builder.Services.AddSerilog();
    builder.Services.AddSystemd();
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
    builder.Services.AddEncoder(options);
    using var host = builder.Build();
    var exit = host.Services.GetRequiredService<DaemonExit>(); // before RunAsync, which disposes the services
    await host.RunAsync();
    return exit.Code ?? ExitCodes.Failure; // decided by the class's end step (Lifecycle/ClassEnd); undecided means it never ran
}
#pragma warning disable CA1031 // the last line of defence: log it, exit non-zero
catch (Exception ex)
#pragma warning restore CA1031
{
    Log.Fatal(ex, "Encoder failed");
    return ExitCodes.Failure;
}
finally
{
    await Log.CloseAndFlushAsync();
}
