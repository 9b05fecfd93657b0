using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// Starts the publishes of the shipped binaries (<see cref="PublishedEncoder.StartInBackground"/>) before the run's
/// first deploy check against real tools (categories Deploy and Integration: cfn-lint, shellcheck, moto, the published
/// binary). In a full run that is its first minute (the cfn-lint fixtures overlap at its start), so the two AOT
/// publishes, at nice 19, have the whole run to finish before the checks that run the binary (after the end-to-end
/// tests); started with the end-to-end tests instead, the arm64 one was still running at the end of a busy run, which
/// then waited ~100 s for it. A run of unit tests, or of other integration tests, publishes nothing here.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class PublishWithTheFirstDeployCheckAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
        if (HasCategory(test, "Deploy") && HasCategory(test, "Integration"))
            PublishedEncoder.StartInBackground();
    }

    public void AfterTest(ITest test)
    {
    }

    private static bool HasCategory(ITest? test, string category)
    {
        for (; test is not null; test = test.Parent)
        {
            if (test.Properties[PropertyNames.Category].Contains(category))
                return true;
        }

        return false;
    }
}
