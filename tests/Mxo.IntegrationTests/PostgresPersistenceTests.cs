using Mxo.TestSupport;
using Npgsql;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>The node's persistence against a real, throwaway PostgreSQL server started from the machine's binaries.</summary>
public sealed class PostgresPersistenceTests : IAsyncLifetime
{
    private PostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_players_state_survives_a_full_restart_of_the_actor_system()
    {
        var connectionString = await _server.CreateDatabaseAsync("mxo_restart");
        string[] args = ["--dev", "--persistence", "postgresql", "--connection-string", connectionString];

        await using (var node = await TestNode.StartAsync(args))
        {
            await using var client = await TestClient.ConnectAsync(node.Ws);
            await client.HelloAsync("Morpheus");
            await client.EnterAsync("international");
            await client.MoveAsync(505, 1, -3);
            var sayId = await client.SendAsync("say", """{"text":"What is real?"}""");
            await client.ExpectTypeAsync("ack", sayId);
            await client.CloseAsync();
            await node.StopAsync();
        }

        await using (var restarted = await TestNode.StartAsync(args))
        {
            await using var client = await TestClient.ConnectAsync(restarted.Ws);
            var player = Frames.Data(await client.HelloAsync("Morpheus")).GetProperty("player");
            Assert.Equal("international", player.GetProperty("district").GetString());
            Assert.Equal((505.0, 1.0, -3.0), Frames.Position(player.GetProperty("position")));
            Assert.Equal(500, player.GetProperty("health").GetInt32());
        }

        // The acknowledged chat line is in the district's journal, exactly once.
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM journal WHERE persistence_id = 'district-international' AND manifest = 'de.chat'", db);
        Assert.Equal(1L, (long)(await query.ExecuteScalarAsync())!);
    }
}
