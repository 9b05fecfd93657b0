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
using Serilog;
using Serilog.Events;

if (args is [Encoder.Ffmpeg.MediaRunner.Verb, ..]) // hidden: the daemon starts it as encoder-media to run FFmpeg (Ffmpeg/MediaRunner)
    return Encoder.Ffmpeg.MediaRunner.Run(args);

if (await EncoderCommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, Ec2InstanceLauncher.Create, SecretInputs.Process(Console.In)) is { } commandLineExit)
    return commandLineExit;

// `encoder end-class`: the operator's way to end a class early; it reads the daemon's own configuration.
var endClass = args.Length > 0 && args[0] == EndClassCommand.Verb;
if (endClass)
    args = args[1..];

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

// Under journald, stderr's lines before logging starts carry their priority too (err), as the log's do.
var errorPrefix = EncoderLogging.DetectConsole(Environment.GetEnvironmentVariable, Console.IsOutputRedirected) == ConsoleKind.Journald ? "<3>" : "";
if (EncoderConfigFile.Add(builder.Configuration) is { } fileError)
{
    await Console.Error.WriteLineAsync($"{errorPrefix}encoder: configuration error: {fileError}");
    return ExitCodes.ConfigurationError;
}

// Secret settings that are SSM references (what `encoder launch` writes) are resolved once, before validation.
var secrets = await SecretResolution.ResolveAsync(builder.Configuration, SsmSecretParameters.Create);
if (!secrets.IsValid)
{
    var kind = secrets.ExitCode == ExitCodes.ConfigurationError ? "configuration error" : "error";
    foreach (var error in secrets.Errors)
        await Console.Error.WriteLineAsync($"encoder: {kind}: {error}");
    return secrets.ExitCode;
}

builder.Configuration.AddInMemoryCollection(secrets.Values);

// A past Session:EndsAt with this session's recording on the machine is a late restart: it stores what is left and ends the class.
var configuration = EncoderConfiguration.Load(builder.Configuration, TimeProvider.System.GetUtcNow(),
    sessionRecorded: o => Directory.Exists(new RecordingLayout(o).SessionDirectory));
var startErrors = configuration.IsValid && !endClass ? EnvironmentChecks.Validate(configuration.Options) : configuration.Errors;
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
if (endClass)
    return EndClassCommand.Run(options, Console.Out, Console.Error, TimeProvider.System);

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
