using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// Starts the publishes of the shipped binaries (<see cref="PublishedEncoder.StartInBackground"/>) before the run's
/// first integration test, so that they run while the run waits on real time and are ready when the checks that need
/// a binary run (non-parallelizable, after the end-to-end tests). A run of unit tests alone publishes nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class PublishFromTheFirstIntegrationTestAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
        if (IsIntegration(test))
            PublishedEncoder.StartInBackground();
    }

    public void AfterTest(ITest test)
    {
    }

    private static bool IsIntegration(ITest? test)
    {
        for (; test is not null; test = test.Parent)
        {
            if (test.Properties[PropertyNames.Category].Contains("Integration"))
                return true;
        }

        return false;
    }
}
