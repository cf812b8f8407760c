using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Mxo.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Mxo.IntegrationTests;

/// <summary>
/// An edge node killed with SIGKILL under its players (production mode: access tokens, no --dev): a world node and two
/// edge nodes on loopback, the doomed edge a real child process. A player whose socket died reconnects to the other edge
/// with the access token it already holds (no second login) and carries on where it was; a player that does not come
/// back leaves its district once the cluster has taken the dead edge out, not at a timeout.
/// </summary>
public sealed class EdgeFailoverTests(ITestOutputHelper output)
{
    private static Action<ClientWebSocketOptions> Bearer(string token) => o => o.SetRequestHeader("Authorization", "Bearer " + token);

    [Fact]
    public async Task After_kill_9_of_an_edge_its_players_reconnect_to_another_with_their_token_and_the_rest_leave_within_seconds()
    {
        using var data = new TempData();
        string[] secure = ["--Mxo:Jwt:SigningKey=" + TestNode.SigningKey];
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, .. secure, "--roles", "world", "--Mxo:Accounts:PasswordIterations=1000"]);
        await using var edge = await TestNode.StartAsync([.. secure, "--roles", "edge", "--seeds", world.Address]);
        using var workDir = new TempData();
        await using var doomed = NodeProcess.Start(workDir.Directory, FreePorts.Tcp(), FreePorts.Tcp(),
            [.. secure, "--roles", "edge", "--seeds", world.Address]);
        await doomed.WaitReadyAsync();

        var (returningAccount, returning) = await SecureNodeFixture.NewPlayerAsync(world, "back", "Back");
        var (leavingAccount, leaving) = await SecureNodeFixture.NewPlayerAsync(world, "gone", "Gone");
        var (watchingAccount, watching) = await SecureNodeFixture.NewPlayerAsync(world, "eye", "Eye");
        var returningToken = SecureNodeFixture.Token(returningAccount, returning);

        // The observer on the surviving edge; the two others on the doomed one, next to it.
        await using var observer = await TestClient.ConnectAsync(edge.Ws, Bearer(SecureNodeFixture.Token(watchingAccount, watching)));
        await observer.ExpectTypeAsync("welcome");
        await observer.EnterAsync("downtown");
        var first = await TestClient.ConnectAsync(doomed.Ws, Bearer(returningToken));
        var gone = await TestClient.ConnectAsync(doomed.Ws, Bearer(SecureNodeFixture.Token(leavingAccount, leaving)));
        try
        {
            foreach (var client in new[] { first, gone })
            {
                await client.ExpectTypeAsync("welcome");
                await client.EnterAsync("downtown");
            }
            var leavingId = leaving.ToLowerInvariant();
            await observer.ExpectAsync(f => Frames.SeesEnter(f, leavingId), what: "the leaving player in view");
            await first.MoveAsync(1503, 0, 2);
            // The explicit signal that the world has the move: the observer sees it.
            await observer.ExpectAsync(f => Frames.SeenAt(f, returning.ToLowerInvariant()) == (1503, 0, 2), what: "the move in view");

            await doomed.KillAsync();
            var killed = Stopwatch.StartNew();

            // The returning player: the same token, the other edge, no login; it is where it was.
            await using var again = await TestClient.ConnectAsync(edge.Ws, Bearer(returningToken));
            var welcome = Frames.Data(await again.ExpectTypeAsync("welcome")).GetProperty("player");
            Assert.Equal("downtown", welcome.GetProperty("district").GetString());
            var entered = Frames.Data(await again.EnterAsync("downtown"));
            Assert.Equal((1503.0, 0.0, 2.0), Frames.Position(entered.GetProperty("position")));
            var backAfter = killed.Elapsed;
            var say = await again.SendAsync("say", """{"text":"back through the other edge"}""");
            await again.ExpectTypeAsync("ack", say);

            // The player that does not come back leaves the district once the dead edge is out of the cluster.
            await observer.ExpectAsync(f => Frames.Type(f) == "view"
                                            && Frames.Data(f).GetProperty("left").EnumerateArray().Any(l => l.GetString() == leavingId),
                TimeSpan.FromSeconds(30 * TestClient.TimeFactor), "the leaving player's departure");
            output.WriteLine($"back in through the other edge {backAfter.TotalSeconds:0.0} s after the kill; " +
                             $"the player that did not come back left its district after {killed.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var client in new[] { first, gone })
            {
                try
                {
                    await client.DisposeAsync();
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                {
                    // its edge is dead; the test's outcome is decided above
                }
            }
        }
    }

    [Fact]
    public async Task Crew_lines_acknowledged_through_an_edge_killed_with_9_are_all_kept_and_read_through_the_other_edge()
    {
        using var data = new TempData();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world"]);
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        using var workDir = new TempData();
        await using var doomed = NodeProcess.Start(workDir.Directory, FreePorts.Tcp(), FreePorts.Tcp(), ["--dev", "--roles", "edge", "--seeds", world.Address]);
        await doomed.WaitReadyAsync();

        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (captainName, memberName, crewName) = ("cap" + suffix, "mem" + suffix, "Kept " + suffix);
        await using var captain = await TestClient.ConnectAsync(edge.Ws);
        await captain.HelloAsync(captainName);
        var member = await TestClient.ConnectAsync(doomed.Ws);
        string[] said = ["one", "two", "three"];
        try
        {
            await member.HelloAsync(memberName);
            await captain.ExpectTypeAsync("crew", await captain.SendAsync("crew_create", $$"""{"name":"{{crewName}}"}"""));
            await captain.ExpectTypeAsync("ack", await captain.SendAsync("crew_invite", $$"""{"name":"{{memberName}}"}"""));
            await member.ExpectTypeAsync("crew", await member.SendAsync("crew_accept", $$"""{"crew":"{{crewName}}"}"""));
            // Acknowledged means kept: the edge that carried them dies right after the last ack.
            foreach (var text in said)
                await member.ExpectTypeAsync("ack", await member.SendAsync("chat", $$"""{"channel":"crew","text":"{{text}}"}"""));
            await doomed.KillAsync();
        }
        finally
        {
            try
            {
                await member.DisposeAsync();
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // its edge is dead; the test's outcome is decided below
            }
        }

        static async Task<string?[]> Kept(TestClient client)
        {
            var history = Frames.Data(await client.ExpectTypeAsync("crew_history", await client.SendAsync("crew_history", """{"limit":100}""")));
            return history.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()).Reverse().ToArray();
        }
        Assert.Equal(said, await Kept(captain));
        // The member comes back through the surviving edge: still in the crew, every line there.
        await using var again = await TestClient.ConnectAsync(edge.Ws);
        Assert.Equal(crewName, Frames.Data(await again.HelloAsync(memberName)).GetProperty("crew").GetProperty("name").GetString());
        Assert.Equal(said, await Kept(again));
    }
}
