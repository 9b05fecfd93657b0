using Encoder.Aws;
using Encoder.Configuration;
using Microsoft.Extensions.Configuration;

namespace Encoder.Tests.Configuration;

public sealed class SecretResolutionTests
{
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

    [Test]
    public async Task Plain_urls_are_left_alone_and_no_aws_client_is_made()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "rtsp://cam/s"), ("Ingest:Primary", "rtmp://i/app/key")),
            _ => throw new AssertionException("a local run must not need AWS"));

        Assert.That((result.IsValid, result.Values.Count, result.ExitCode), Is.EqualTo((true, 0, ExitCodes.Clean)));
    }

    [Test]
    public async Task Each_reference_is_replaced_by_its_parameter_s_value()
    {
        var parameters = new Parameters(new() { ["/encoder/c/camera-url"] = "rtsp://u:pw@cam/s", ["/encoder/c/ingest-secondary"] = "rtmp://i/app/k2" });

        var result = await SecretResolution.ResolveAsync(
            Config(("Camera:Url", "ssm:/encoder/c/camera-url"), ("Ingest:Primary", "rtmp://i/app/k1"), ("Ingest:Secondary", "ssm:/encoder/c/ingest-secondary")),
            _ => parameters);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Values, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["Encoder:Camera:Url"] = "rtsp://u:pw@cam/s",
            ["Encoder:Ingest:Secondary"] = "rtmp://i/app/k2",
        }));
        Assert.That(parameters.Asked, Is.EqualTo(new[] { "/encoder/c/camera-url", "/encoder/c/ingest-secondary" }));
    }

    // the failure → the one line and the exit code (2: will not fix itself, systemd does not restart; 1: SSM away, a restart retries)
    [TestCase(ParameterFailure.NotFound, "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url does not exist (deleted, expired, or another region) (TestCode)", 2)]
    [TestCase(ParameterFailure.Denied, "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url may not be read or decrypted with this machine's credentials (TestCode)", 2)]
    [TestCase(ParameterFailure.Unavailable, "Encoder:Camera:Url: the SSM parameter /encoder/c/camera-url could not be read: SSM did not answer (TestCode)", 1)]
    public async Task A_parameter_that_cannot_be_read_is_one_line_naming_it(ParameterFailure failure, string line, int exitCode)
    {
        var parameters = new Parameters([], new() { ["/encoder/c/camera-url"] = failure });

        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url"), ("Ingest:Primary", "rtmp://i/app/k")), _ => parameters);

        Assert.That(result.Errors, Is.EqualTo(new[] { line }));
        Assert.That(result.ExitCode, Is.EqualTo(exitCode));
    }

    [Test]
    public async Task A_missing_parameter_outranks_an_unreachable_ssm_so_the_start_is_not_retried_in_vain()
    {
        var parameters = new Parameters([], new() { ["/encoder/c/camera-url"] = ParameterFailure.Unavailable });

        var result = await SecretResolution.ResolveAsync(
            Config(("Camera:Url", "ssm:/encoder/c/camera-url"), ("Ingest:Primary", "ssm:/encoder/c/ingest-primary")), _ => parameters);

        Assert.That((result.Errors.Count, result.ExitCode), Is.EqualTo((2, ExitCodes.ConfigurationError)));
    }

    [Test]
    public async Task A_malformed_reference_is_a_configuration_error_naming_the_key_without_asking_ssm()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Ingest:Primary", "ssm:encoder/c/ingest-primary")),
            _ => throw new AssertionException("nothing to ask"));

        Assert.That(result.Errors, Is.EqualTo(new[] { "Encoder:Ingest:Primary: must name the parameter by its full path, starting with / (ssm:/path/name)" }));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
    }

    [Test]
    public async Task A_validation_error_about_a_resolved_value_names_the_parameter_it_came_from()
    {
        var result = await SecretResolution.ResolveAsync(Config(("Camera:Url", "ssm:/encoder/c/camera-url")),
            _ => new Parameters(new() { ["/encoder/c/camera-url"] = "http://cam/s" }));

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
