namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A fixture that mostly waits on real time (a class's minutes, an outage, a drain's budget, a service that answers
/// late) against servers of its own (camera, ingest, moto, metadata service: free loopback ports, its own folder), so
/// it may run beside other such fixtures (<see cref="ParallelScope.Self"/>; its own tests still run one after the
/// other). The assembly's <see cref="LevelOfParallelism"/> caps how many overlap on this 2-core machine. Fixtures that
/// burn CPU (transcodes, a CPU hog, cfn-lint) or time a step against the clock stay <see cref="NonParallelizableAttribute"/>:
/// NUnit runs them alone, when no overlapping fixture runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class OverlapsOtherWaitersAttribute() : ParallelizableAttribute(ParallelScope.Self);
