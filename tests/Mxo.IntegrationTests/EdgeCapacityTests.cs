using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// The node's connection cap (src/Mxo.Node/Hosting/ConnectionCap.cs): seven eighths of <c>Mxo:MaxConnections</c> are
/// player sockets; the upgrade beyond is 503 <c>server_full</c>, and a socket that closes makes room for the next.
/// </summary>
public sealed class EdgeCapacityTests
{
    [Fact]
    public async Task Sockets_beyond_the_cap_are_refused_with_503_until_one_closes()
    {
        using var data = new TempData();
        // 16 connections: 14 player sockets, 2 for everything else.
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev", "--Mxo:MaxConnections=16"]);
        var open = new List<TestClient>();
        try
        {
            for (var i = 0; i < 14; i++) open.Add(await TestClient.ConnectAsync(node.Ws));
            var (status, _) = await TestClient.RefusedUpgradeAsync(node.Ws);
            Assert.Equal(503, status);
            // The refused upgrade changed nothing: the sockets that were in still answer.
            var ping = await open[^1].SendAsync("ping");
            await open[^1].ExpectTypeAsync("pong", ping);

            // A closed socket's slot is given back once the server has let it go.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
            TestClient? next = null;
            while (next is null)
            {
                try
                {
                    next = await TestClient.ConnectAsync(node.Ws);
                }
                catch (System.Net.WebSockets.WebSocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100); // polls: the server releases the slot when its side of the socket has ended
                }
            }
            open.Add(next);
            var hello = await next.SendAsync("ping");
            await next.ExpectTypeAsync("pong", hello);
        }
        finally
        {
            foreach (var client in open) await client.DisposeAsync();
        }
    }
}
