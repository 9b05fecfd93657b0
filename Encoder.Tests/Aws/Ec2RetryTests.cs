using System.Net;
using Amazon.EC2;
using Amazon.Runtime;
using Encoder.Aws;

namespace Encoder.Tests.Aws;

public sealed class Ec2RetryTests
{
    private static AmazonEC2Exception Ec2(string code, HttpStatusCode status) => new($"{code} happened") { ErrorCode = code, StatusCode = status };

    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(Ec2("RequestLimitExceeded", HttpStatusCode.BadRequest), true).SetName("EC2 throttling is retried");
        yield return new TestCaseData(Ec2("Throttling", HttpStatusCode.BadRequest), true).SetName("SDK-style throttling is retried");
        yield return new TestCaseData(Ec2("Whatever", HttpStatusCode.TooManyRequests), true).SetName("HTTP 429 is retried");
        yield return new TestCaseData(Ec2("InternalError", HttpStatusCode.InternalServerError), true).SetName("HTTP 500 is retried");
        yield return new TestCaseData(Ec2("Unavailable", HttpStatusCode.ServiceUnavailable), true).SetName("HTTP 503 is retried");
        yield return new TestCaseData(Ec2("UnauthorizedOperation", HttpStatusCode.Forbidden), false).SetName("A missing permission is final");
        yield return new TestCaseData(Ec2("InvalidInstanceID.NotFound", HttpStatusCode.BadRequest), false).SetName("An unknown instance is final");
        yield return new TestCaseData(Ec2("OperationNotPermitted", HttpStatusCode.BadRequest), false).SetName("Termination protection is final");
        yield return new TestCaseData(new AmazonServiceException("wrapped", new HttpRequestException("reset")), true).SetName("A wrapped network error is retried");
        yield return new TestCaseData(new HttpRequestException("connection refused"), true).SetName("A network error is retried");
        yield return new TestCaseData(new TaskCanceledException("HTTP timeout"), true).SetName("An HTTP timeout is retried");
        yield return new TestCaseData(new InvalidOperationException("bug"), false).SetName("Anything else is final");
    }

    [TestCaseSource(nameof(Failures))]
    public void Retries_throttling_server_errors_and_network_failures_but_never_a_refusal(Exception failure, bool retried) =>
        Assert.That(Ec2Retry.IsTransient(failure, CancellationToken.None), Is.EqualTo(retried));

    [Test]
    public void Once_the_steps_own_budget_is_spent_a_cancellation_is_not_retried()
    {
        using var spent = new CancellationTokenSource();
        spent.Cancel();

        Assert.That(Ec2Retry.IsTransient(new OperationCanceledException(spent.Token), spent.Token), Is.False);
    }
}
