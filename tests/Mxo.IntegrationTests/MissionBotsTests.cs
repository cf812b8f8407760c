using Mxo.Bots;
using Mxo.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Mxo.IntegrationTests;

/// <summary>
/// <c>mxo-node bots --missions</c> against a real node with the shipped world (districts, NPCs, missions) and its
/// default limits (speed, interact rate): the bots find a contact over HTTP, walk to it within the speed check, take an
/// offer and play it to the end over the socket, as tests/Mxo.IntegrationTests/MissionTests.cs's client does by hand.
/// </summary>
public sealed class MissionBotsTests(ITestOutputHelper output)
{
    /// <summary>
    /// The one refusal a well-behaved mission bot can still meet: on a machine so busy that its moves reach the node more
    /// than 200 ms apart from when they were sent, some are refused as too fast (<c>position_corrected</c>), and a talk
    /// sent before the correction came is out of reach (the bot walks on and asks again). Anything else is a bot that
    /// misreads the protocol.
    /// </summary>
    private static readonly string[] Expected = ["out_of_reach"];

    [Fact]
    public async Task Mission_bots_complete_a_shipped_mission_over_real_sockets_without_unexpected_refusals()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]);

        // Richland: Tyndall and The Lurker offer level-1 characters missions there (world/missions.json); the nearest,
        // Tyndall, offers "Wake Up" (talk, reach, talk), some 300 units of walking at the bots' 15 units/s at most.
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 2, Url = node.Ws, Hello = true, District = "richland", Missions = true, StopAfterMissions = 1,
            MoveHz = 10, ChatEvery = TimeSpan.Zero, Duration = TestTime.Scaled(TimeSpan.FromSeconds(55)), Seed = 7,
        });
        var report = await swarm.RunAsync();
        output.WriteLine(report.ToString());

        Assert.Equal(2, report.Connected);
        Assert.Equal(0, report.Errors);
        var missions = report.Missions!;
        Assert.Null(missions.ContactsFailure);
        Assert.Equal(2, missions.Contacts);
        Assert.True(missions.Completed >= 1, $"no mission completed in {report.Duration.TotalSeconds:0} s");
        Assert.True(missions.Accepted >= missions.Completed);
        Assert.All(missions.RefusedByCode.Keys, code => Assert.Contains(code, Expected));
        Assert.Equal(0, missions.Unanswered);
        Assert.NotNull(missions.LatencyP99Ms);
    }
}
