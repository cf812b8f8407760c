using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mxo.Actors.Districts;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Xunit;
using static Mxo.Edge.Tests.EdgeTestConfig;

namespace Mxo.Edge.Tests;

public sealed class DistrictsStartedCheckTests : Akka.TestKit.Xunit2.TestKit
{
    public DistrictsStartedCheckTests() : base(Hocon) { }

    /// <summary>Stand-in for the district region: answers for every district except those it is told are still loading.</summary>
    private sealed class Districts : ReceiveActor
    {
        public sealed record Loading(DistrictId District);
        public sealed record Started(DistrictId District);

        private readonly HashSet<DistrictId> _loading = [];

        public Districts()
        {
            Receive<Loading>(l => _loading.Add(l.District));
            Receive<Started>(s => _loading.Remove(s.District));
            Receive<DistrictCommands.GetStatus>(s =>
            {
                if (!_loading.Contains(s.District)) Sender.Tell(new DistrictReplies.Status(s.District, 0, 100, [], null, 0, 0, 0));
            });
        }
    }

    private sealed class Region(IActorRef actor) : IRequiredActor<DistrictRegion>
    {
        public IActorRef ActorRef => actor;
        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration(DistrictsStartedCheck.Name, check, HealthStatus.Unhealthy, null) };

    [Fact]
    public async Task Not_ready_until_every_district_has_answered_then_ready_for_good()
    {
        var districts = Sys.ActorOf(Props.Create(() => new Districts()));
        var westview = new DistrictId("westview");
        districts.Tell(new Districts.Loading(westview));
        var check = new DistrictsStartedCheck(Map, new Region(districts));

        var loading = await check.CheckHealthAsync(Context(check));
        Assert.Equal(HealthStatus.Unhealthy, loading.Status);
        Assert.Equal("districts not started yet: westview", loading.Description);

        districts.Tell(new Districts.Started(westview));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context(check))).Status);

        // Latched: a district moving between nodes later does not make the edge unready.
        districts.Tell(new Districts.Loading(westview));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context(check))).Status);
    }
}
