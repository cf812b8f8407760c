using Microsoft.Data.Sqlite;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>The node as a real child process, killed with SIGKILL: nothing acknowledged may be lost.</summary>
public sealed class CrashRecoveryTests
{
    private static long CountEvents(TempData data, string persistenceId, string manifest)
    {
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = $id AND manifest = $manifest";
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$manifest", manifest);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task After_kill_9_every_acknowledged_action_is_there_and_the_player_is_at_most_one_checkpoint_behind()
    {
        using var data = new TempData();
        var httpPort = FreePorts.Tcp();
        var remotingPort = FreePorts.Tcp();
        var name = "crash" + Guid.NewGuid().ToString("N")[..6];
        (double, double, double) checkpointed = (1506, 0, 2), latest = (1509, 0, 2);

        await using (var node = NodeProcess.Start(data.Directory, httpPort, remotingPort, ["--dev", .. data.SqliteArgs, "--checkpoint-interval", "00:00:01"]))
        {
            await node.WaitReadyAsync();
            await using var client = await TestClient.ConnectAsync(node.Ws);
            await client.HelloAsync(name);
            await client.EnterAsync("downtown");
            var sayId = await client.SendAsync("say", """{"text":"acknowledged before the crash"}""");
            await client.ExpectTypeAsync("ack", sayId);
            await client.MoveAsync(checkpointed.Item1, checkpointed.Item2, checkpointed.Item3);

            // The explicit signal that a checkpoint happened: its row in the journal (1 s interval).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20 * TestClient.TimeFactor);
            while (CountEvents(data, "player-" + name, "pe.checkpoint") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no position checkpoint within 20 s:\n" + node.Output());
                await Task.Delay(100);
            }

            // A later move that no checkpoint has covered yet; then the crash.
            await client.MoveAsync(latest.Item1, latest.Item2, latest.Item3);
            var ping = await client.SendAsync("ping");
            await client.ExpectTypeAsync("pong", ping);
            await node.KillAsync();
        }

        await using (var node = NodeProcess.Start(data.Directory, httpPort, remotingPort, ["--dev", .. data.SqliteArgs, "--checkpoint-interval", "00:00:01"]))
        {
            await node.WaitReadyAsync();
            await using var client = await TestClient.ConnectAsync(node.Ws);
            var player = Frames.Data(await client.HelloAsync(name)).GetProperty("player");
            Assert.Equal("downtown", player.GetProperty("district").GetString());
            var position = Frames.Position(player.GetProperty("position"));
            Assert.True(position == checkpointed || position == latest, $"position {position} is older than the last checkpoint");
        }

        Assert.Equal(1, CountEvents(data, "district-downtown", "de.chat"));
        Assert.Equal(1, CountEvents(data, "player-" + name, "pe.entered"));
    }
}
