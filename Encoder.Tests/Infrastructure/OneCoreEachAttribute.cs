namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A fixture whose work is one single-threaded tool at a time (cfn-lint, check-jsonschema, shellcheck, moto_server's
/// start) in a folder of its own, timing nothing against the clock: two such fixtures side by side use the machine's
/// two cores instead of one (<see cref="ParallelScope.Self"/>; its own tests still run one after the other).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class OneCoreEachAttribute() : ParallelizableAttribute(ParallelScope.Self);
