using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mxo.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Mxo.IntegrationTests;

/// <summary>
/// The journal's PostgreSQL stopped under connected players and started again (src/Mxo.Node/Fencing/JournalOutage.cs):
/// durable requests are refused with <c>unavailable</c> meanwhile and change nothing, <c>/health/ready</c> says not ready,
/// and once the database is back the same sockets are served again without a restart; nothing acknowledged is lost.
/// </summary>
public sealed class JournalOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60 * TestClient.TimeFactor);

    [Fact]
    public async Task Requests_during_a_database_outage_are_refused_as_unavailable_and_the_node_serves_again_once_it_is_back()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("mxo_outage");
        await using var node = await TestNode.StartAsync(["--dev", "--persistence", "postgresql", "--connection-string", connectionString]);
        using var http = new HttpClient { BaseAddress = node.Http };
        await using var neo = await TestClient.ConnectAsync(node.Ws);
        await using var trinity = await TestClient.ConnectAsync(node.Ws);
        await neo.HelloAsync("OutNeo");
        await trinity.HelloAsync("OutTrinity");
        await neo.EnterAsync("downtown");
        await trinity.EnterAsync("downtown");
        var acknowledged = 0;
        foreach (var client in new[] { neo, trinity })
        {
            await client.ExpectTypeAsync("ack", await client.SendAsync("say", """{"text":"before"}"""));
            acknowledged++;
        }
        await AwaitReadyAsync(http, HttpStatusCode.OK);

        await postgres.StopServerAsync();
        await AwaitReadyAsync(http, HttpStatusCode.ServiceUnavailable);
        // A line and a district change, each needing a journal write, are refused at once and change nothing.
        var stopped = Stopwatch.StartNew();
        var line = await neo.SendAsync("say", """{"text":"during"}""");
        AssertUnavailable(await neo.ExpectAsync(f => IsAnswerTo(f, line), Deadline));
        var move = await trinity.SendAsync("enter", """{"district":"richland"}""");
        AssertUnavailable(await trinity.ExpectAsync(f => IsAnswerTo(f, move), Deadline));
        output.WriteLine($"both refused as unavailable {stopped.Elapsed.TotalMilliseconds:0} ms after the request");

        await postgres.StartAgainAsync();
        var restarted = Stopwatch.StartNew();
        // Both still in Downtown on their sockets (the refused enter changed nothing), and served again.
        await SayUntilAcknowledgedAsync(neo, "after-neo", restarted);
        await SayUntilAcknowledgedAsync(trinity, "after-trinity", restarted);
        acknowledged += 2;
        await UntilAnsweredAsync(trinity, "enter", """{"district":"richland"}""", "entered", restarted);
        output.WriteLine($"both served again {restarted.Elapsed.TotalSeconds:0.0} s after the database started");
        await AwaitReadyAsync(http, HttpStatusCode.OK);

        // Every acknowledged line is in the journal once; the refused ones are not.
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM journal WHERE manifest = 'de.chat'", db);
        Assert.Equal((long)acknowledged, (long)(await query.ExecuteScalarAsync())!);
    }

    private static void AssertUnavailable(JsonElement answer)
    {
        Assert.Equal("error", Frames.Type(answer));
        Assert.Equal("unavailable", Frames.Data(answer).GetProperty("code").GetString());
    }

    private static Task SayUntilAcknowledgedAsync(TestClient client, string id, Stopwatch since) =>
        UntilAnsweredAsync(client, "say", """{"text":"after"}""", "ack", since, id);

    /// <summary>Sends one request with a fixed id until it is answered with <paramref name="success"/>, retrying after unavailable.</summary>
    private static async Task UntilAnsweredAsync(TestClient client, string type, string data, string success, Stopwatch since, string? id = null)
    {
        id ??= client.NextId();
        while (true)
        {
            Assert.True(since.Elapsed < Deadline, $"{type} {id}: no {success} within {Deadline.TotalSeconds} s of the database's return");
            await client.SendAsync(type, data, id);
            var answer = await client.ExpectAsync(f => IsAnswerTo(f, id, success), Deadline);
            if (Frames.Type(answer) == success) return;
            var error = Frames.Data(answer);
            var code = error.GetProperty("code").GetString();
            Assert.True(code is "unavailable" or "rate_limited", $"{type} {id}: unexpected error {code}");
            // A client paces its retries as a real one would: after rate_limited by the time it was told (each refused
            // say counts against the character's 2/s), after unavailable by a little more than the node's own retry.
            await Task.Delay(code == "rate_limited"
                ? TimeSpan.FromMilliseconds(error.GetProperty("retryAfterMs").GetInt64())
                : TimeSpan.FromMilliseconds(500));
        }
    }

    private static bool IsAnswerTo(JsonElement frame, string id, string success = "ack") =>
        (Frames.Type(frame) == success || Frames.Type(frame) == "error") && frame.TryGetProperty("id", out var i) && i.GetString() == id;

    private static async Task AwaitReadyAsync(HttpClient http, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + Deadline;
        HttpStatusCode status;
        while ((status = (await http.GetAsync("/health/ready")).StatusCode) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"/health/ready stayed {(int)status}, expected {(int)expected}");
            await Task.Delay(100); // polls an HTTP endpoint; there is no signal to wait on
        }
    }
}
