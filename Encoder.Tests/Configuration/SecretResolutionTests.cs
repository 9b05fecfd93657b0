using Encoder.Aws;
using Encoder.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Configuration;

public sealed class SecretResolutionTests
{
    /// <summary>A start whose class has 140 s to go, on fake time that nobody moves (for the cases that never wait).</summary>
    private static SecretWaitPolicy NoWait => new(new FakeTimeProvider(Now), Now.AddSeconds(140), _ => Assert.Fail("nothing to wait for"));

    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("Encoder:" + s.Key, (string?)s.Value))).Build();

    /// <summary>Parameters by name; a name mapped to a failure throws it, as SSM would refuse.</summary>
    private sealed class Parameters(Dictionary<string, string> values, Dictionary<string, ParameterFailure>? failures = null) : ISecretParameters
    {
        public List<string> Asked { get; } = [];

        public Task<string> GetAsync(string name, CancellationToken cancellationToken)
        {
            Asked.Add(name);
            if (failures?.TryGetValue(name, out var failure) == true)
                throw new ParameterReadException(name, failure, "TestCode");
            return values.TryGetValue(name, out var value)
                ? Task.FromResult(value)
                : throw new ParameterReadException(name, ParameterFailure.NotFound, "ParameterNotFound");
        }
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 17, 58, 0, TimeSpan.Zero);

    /// <summary>A parameter store that does not answer (<see cref="ParameterFailure.Unavailable"/>) for its first <paramref name="unanswered"/> requests.</summary>
    private sealed class LateParameters(int unanswered, Dictionary<string, string> values) : ISecretParameters
    {
        public int Asked { get; private set; }

        public Task<string> GetAsync(string name, CancellationToken cancellationToken)
        {
            Asked++;
            return Asked <= unanswered
                ? throw new ParameterReadException(name, ParameterFailure.Unavailable, "Connection refused")
                : Task.FromResult(values[name]);
        }
    }

    /// <summary>Moves fake time on in 100 ms steps until <paramref name="resolving"/> ends (at most an hour of it).</summary>
    private static async Task<SecretResolutionResult> OnFakeTimeAsync(Task<SecretResolutionResult> resolving, FakeTimeProvider time)
    {
        for (var step = 0; step < 36_000 && !resolving.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        return await resolving;
    }

    [Test]
    public async Task An_ssm_that_answers_late_is_waited_for_in_process_with_backoff_and_each_wait_is_reported()
    {
        var time = new FakeTimeProvider(Now);
        var parameters = new LateParameters(3, new() { ["/encoder/c/camera-url"] = "rtsp://u:pw@cam/s" });
        var waits = new List<SecretWait>();

        var result = await OnFakeTimeAsync(SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")), _ => parameters,
            new SecretWaitPolicy(time, Now.AddSeconds(140), waits.Add, Jitter: () => 0.5)), time);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Values["Encoder:Camera:Url"], Is.EqualTo("rtsp://u:pw@cam/s"));
        Assert.That(waits.Select(w => (w.Failures, w.NextAttemptIn.TotalSeconds)), Is.EqualTo(new[] { (1, 1.0), (2, 2.0), (3, 4.0) }));
        Assert.That(waits, Has.All.Matches<SecretWait>(w => w.Key == "Encoder:Camera:Url" && w.ParameterName == "/encoder/c/camera-url" && w.Reason == "Connection refused"));
        Assert.That(time.GetUtcNow() - Now, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(7)), "the three waits were waited (the schedule itself: above)");
    }

    [Test]
    public async Task An_ssm_that_has_not_answered_by_the_class_s_end_stops_the_start_with_exit_1_naming_the_parameter()
    {
        var time = new FakeTimeProvider(Now);
        var parameters = new LateParameters(int.MaxValue, []);

        var result = await OnFakeTimeAsync(SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")), _ => parameters,
            new SecretWaitPolicy(time, Now.AddSeconds(140), Jitter: () => 0.5)), time);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(result.Errors, Is.EqualTo(new[]
        {
            "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url could not be read: SSM did not answer by the class's end (2026-11-23T18:00:20.0000000+00:00) (Connection refused)",
        }));
        // Not before the class's end. (No upper bound: the pump below may advance the fake clock past the end before the
        // finished task's continuation runs on a busy machine; the requests counted below bound the waits instead.)
        Assert.That(time.GetUtcNow() - Now, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(140)));
        Assert.That(parameters.Asked, Is.InRange(15, 20), "1 s doubling to a 10 s cap: about one request every 10 s");
    }

    [Test]
    public async Task Plain_urls_are_left_alone_and_no_aws_client_is_made()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "rtsp://cam/s"), ("Ingest:Primary", "rtmp://i/app/key")),
            _ => throw new AssertionException("a local run must not need AWS"), NoWait);

        Assert.That((result.IsValid, result.Values.Count, result.ExitCode), Is.EqualTo((true, 0, ExitCodes.Clean)));
    }

    [Test]
    public async Task Each_reference_is_replaced_by_its_parameter_s_value()
    {
        var parameters = new Parameters(new() { ["/encoder/c/camera-url"] = "rtsp://u:pw@cam/s", ["/encoder/c/ingest-secondary"] = "rtmp://i/app/k2" });

        var result = await SecretResolution.ResolveAsync(
            Config(("Camera:Url", "ssm:/encoder/c/camera-url"), ("Ingest:Primary", "rtmp://i/app/k1"), ("Ingest:Secondary", "ssm:/encoder/c/ingest-secondary")),
            _ => parameters, NoWait);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Values, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["Encoder:Camera:Url"] = "rtsp://u:pw@cam/s",
            ["Encoder:Ingest:Secondary"] = "rtmp://i/app/k2",
        }));
        Assert.That(parameters.Asked, Is.EqualTo(new[] { "/encoder/c/camera-url", "/encoder/c/ingest-secondary" }));
    }

    [Test]
    public async Task The_playback_url_may_be_a_reference_as_its_token_is_a_secret()
    {
        var parameters = new Parameters(new() { ["/encoder/c/playback"] = "https://cdn.example/live.m3u8?token=t0k" });

        var result = await SecretResolution.ResolveAsync(
            Config(("Camera:Url", "rtsp://cam/s"), ("Ingest:Primary", "rtmp://i/app/k1"), ("Playback:LiveUrl", "ssm:/encoder/c/playback")),
            _ => parameters, NoWait);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Values, Is.EquivalentTo(new Dictionary<string, string?> { ["Encoder:Playback:LiveUrl"] = "https://cdn.example/live.m3u8?token=t0k" }));
    }

    // the refusal → the one line (exit 2: will not fix itself; systemd does not restart it)
    [TestCase(ParameterFailure.NotFound, "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url does not exist (deleted, expired, or another region) (TestCode)")]
    [TestCase(ParameterFailure.Denied, "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url may not be read or decrypted with this machine's credentials (TestCode)")]
    public async Task A_parameter_that_is_missing_or_denied_stops_the_start_at_once_with_one_line_naming_it(ParameterFailure failure, string line)
    {
        var time = new FakeTimeProvider(Now);
        var parameters = new Parameters([], new() { ["/encoder/c/camera-url"] = failure });

        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url"), ("Ingest:Primary", "rtmp://i/app/k")), _ => parameters,
            new SecretWaitPolicy(time, Now.AddSeconds(140), _ => Assert.Fail("a refusal is not waited on")));

        Assert.That(result.Errors, Is.EqualTo(new[] { line }));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(time.GetUtcNow(), Is.EqualTo(Now));
    }

    [Test]
    public async Task A_stop_while_waiting_for_ssm_ends_the_start_cleanly_naming_what_it_waited_for()
    {
        var time = new FakeTimeProvider(Now);
        using var stop = new CancellationTokenSource();
        var parameters = new LateParameters(int.MaxValue, []);

        var result = await OnFakeTimeAsync(SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")), _ => parameters,
            new SecretWaitPolicy(time, null, wait => { if (wait.Failures == 3) stop.Cancel(); }, Jitter: () => 0.5), stop.Token), time);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Clean), "a SIGTERM pauses the class; nothing had started");
        Assert.That(result.Errors, Is.EqualTo(new[] { "Encoder:Camera:Url: stopped while waiting for the SSM parameter /encoder/c/camera-url (SSM did not answer: Connection refused)" }));
    }

    [Test]
    public async Task Without_a_class_end_an_ssm_that_does_not_answer_is_waited_for_until_stopped()
    {
        var time = new FakeTimeProvider(Now);
        var parameters = new LateParameters(300, new() { ["/encoder/c/camera-url"] = "rtsp://cam/s" });

        var result = await OnFakeTimeAsync(SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")), _ => parameters,
            new SecretWaitPolicy(time, null, Jitter: () => 0.5)), time);

        Assert.That(result.IsValid, Is.True);
        Assert.That(parameters.Asked, Is.EqualTo(301));
    }

    [Test]
    public async Task The_ssm_client_that_cannot_be_made_yet_is_made_again_at_the_next_attempt()
    {
        var time = new FakeTimeProvider(Now);
        var made = 0;

        var result = await OnFakeTimeAsync(SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")),
            _ => ++made < 3 ? throw new ParameterReadException("(SSM client)", ParameterFailure.Unavailable, "no region yet") : new Parameters(new() { ["/encoder/c/camera-url"] = "rtsp://cam/s" }),
            new SecretWaitPolicy(time, Now.AddSeconds(140), Jitter: () => 0.5)), time);

        Assert.That((result.IsValid, made), Is.EqualTo((true, 3)));
    }

    // failures in a row → the wait before the next attempt (jitter unit 0.5: none; 0 and 1: ±20 %)
    [TestCase(1, 0.5, 1.0)]
    [TestCase(2, 0.5, 2.0)]
    [TestCase(3, 0.5, 4.0)]
    [TestCase(4, 0.5, 8.0)]
    [TestCase(5, 0.5, 10.0)]
    [TestCase(500, 0.5, 10.0)]
    [TestCase(1, 0.0, 0.8)]
    [TestCase(5, 1.0, 12.0)]
    public void Ssm_is_asked_again_after_1_s_doubling_to_10_s_with_jitter(int failures, double jitter, double seconds) =>
        Assert.That(SecretParameterRetry.Delay(failures, jitter).TotalSeconds, Is.EqualTo(seconds).Within(1e-9));

    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(new ParameterReadException("/p", ParameterFailure.Unavailable, "Connection refused"), true).SetName("SSM not answering is waited for");
        yield return new TestCaseData(new Polly.Timeout.TimeoutRejectedException(), true).SetName("An attempt that ran out of time is waited for");
        yield return new TestCaseData(new ParameterReadException("/p", ParameterFailure.NotFound, "ParameterNotFound"), false).SetName("A missing parameter is final");
        yield return new TestCaseData(new ParameterReadException("/p", ParameterFailure.Denied, "AccessDeniedException"), false).SetName("A denied parameter is final");
        yield return new TestCaseData(new InvalidOperationException("bug"), false).SetName("Anything else is final");
    }

    // what the SDK lets through of a connection that failed → SSM did not answer (waited for)
    [TestCase(typeof(System.Net.Sockets.SocketException), true)]
    [TestCase(typeof(IOException), true)]
    [TestCase(typeof(HttpRequestException), true)]
    [TestCase(typeof(TimeoutException), true)]
    [TestCase(typeof(InvalidOperationException), false)]
    public void A_connection_that_failed_in_any_way_is_ssm_not_answering(Type failure, bool unanswered) =>
        Assert.That(SsmSecretParameters.DidNotAnswer((Exception)Activator.CreateInstance(failure)!), Is.EqualTo(unanswered));

    [TestCaseSource(nameof(Failures))]
    public void Only_an_ssm_that_does_not_answer_is_waited_for(Exception failure, bool waited) =>
        Assert.That(SecretParameterRetry.IsTransient(failure), Is.EqualTo(waited));

    [Test]
    public void A_wait_tells_systemd_what_it_waits_for_and_to_give_the_start_the_wait_and_the_next_attempt_at_its_longest()
    {
        var wait = new SecretWait("Encoder:Camera:Url", "/encoder/c/camera-url", "Connection refused\n(127.0.0.1:443)", 3, TimeSpan.FromSeconds(4), Now.AddSeconds(140));

        Assert.That(wait.SystemdState(), Is.EqualTo(new[]
        {
            "STATUS=waiting for SSM Parameter Store to serve /encoder/c/camera-url (Encoder:Camera:Url): 3 attempts failed, the last with Connection refused (127.0.0.1:443); "
                + "next in 4s, until the class's end at 2026-11-23T18:00:20.0000000+00:00",
            "EXTEND_TIMEOUT_USEC=44000000",
        }));
        Assert.That(SecretWait.AnsweredState(), Is.EqualTo(new[] { "STATUS=SSM Parameter Store answered; starting the class", "EXTEND_TIMEOUT_USEC=60000000" }));
    }

    [Test]
    public async Task A_malformed_reference_is_a_configuration_error_naming_the_key_without_asking_ssm()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Ingest:Primary", "ssm:encoder/c/ingest-primary")),
            _ => throw new AssertionException("nothing to ask"), NoWait);

        Assert.That(result.Errors, Is.EqualTo(new[] { "Encoder:Ingest:Primary: must name the parameter by its full path, starting with / (ssm:/path/name)" }));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
    }

    [Test]
    public async Task A_validation_error_about_a_resolved_value_names_the_parameter_it_came_from()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")),
            _ => new Parameters(new() { ["/encoder/c/camera-url"] = "http://cam/s" }), NoWait);

        Assert.That(result.Explain("Encoder:Camera:Url: must be an rtsp:// or rtsps:// URL"),
            Is.EqualTo("Encoder:Camera:Url: must be an rtsp:// or rtsps:// URL (the value of SSM parameter /encoder/c/camera-url)"));
        Assert.That(result.Explain("Encoder:Ingest:Primary: is required"), Is.EqualTo("Encoder:Ingest:Primary: is required"));
    }

    // AWS's error code and HTTP status → what it means for the start
    [TestCase("ParameterNotFound", 400, ParameterFailure.NotFound)]
    [TestCase("AccessDeniedException", 400, ParameterFailure.Denied)]
    [TestCase("AccessDenied", 403, ParameterFailure.Denied)]
    [TestCase(null, 403, ParameterFailure.Denied)]
    [TestCase("UnrecognizedClientException", 400, ParameterFailure.Denied)]
    [TestCase("InvalidKeyId", 400, ParameterFailure.Denied)]
    [TestCase("ThrottlingException", 400, ParameterFailure.Unavailable)]
    [TestCase("InternalServerError", 500, ParameterFailure.Unavailable)]
    public void Aws_refusals_are_classified_by_whether_they_fix_themselves(string? code, int status, ParameterFailure failure)
    {
        Assert.That(SsmSecretParameters.Classify(code, status), Is.EqualTo(failure));
    }
}
