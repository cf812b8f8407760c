using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mxo.Actors.Districts;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.World;

namespace Mxo.Edge;

/// <summary>
/// Ready = every district of the map has answered once. Asking starts them, so a node is not called ready (and
/// players are not sent to it) while the districts are still loading: a crowd that arrived first queued thousands of
/// journal reads ahead of the districts' own, their shards timed out loading and restarted in a loop, and 2,000
/// players got in one by one (docs/benchmarks.md, "A crowd before the districts"). Latched: once the world has started,
/// a district that moves between nodes later does not make this edge node unready.
/// </summary>
public sealed class DistrictsStartedCheck(WorldMap map, IRequiredActor<DistrictRegion> region) : IHealthCheck
{
    public const string Name = "districts";

    /// <summary>Within the check's own time limit (<see cref="EdgeEndpoints.CheckTimeout"/>), so a slow district reads "not started", not a timeout.</summary>
    private static readonly TimeSpan AskTimeout = EdgeEndpoints.CheckTimeout * 0.8;

    private volatile bool _started;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_started) return HealthCheckResult.Healthy();
        var districts = await region.GetAsync(cancellationToken);
        var answers = map.All.Select(d => AnswersAsync(districts, d.Id, cancellationToken)).ToArray();
        var missing = map.All.Zip(await Task.WhenAll(answers)).Where(x => !x.Second).Select(x => x.First.Id.Value).ToArray();
        if (missing.Length == 0)
        {
            _started = true;
            return HealthCheckResult.Healthy();
        }
        return new HealthCheckResult(context.Registration.FailureStatus, "districts not started yet: " + string.Join(", ", missing));
    }

    private async Task<bool> AnswersAsync(IActorRef districts, DistrictId district, CancellationToken cancellationToken)
    {
        try
        {
            await districts.Ask<DistrictReplies.Status>(new DistrictCommands.GetStatus(district), AskTimeout, cancellationToken);
            return true;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }
}
