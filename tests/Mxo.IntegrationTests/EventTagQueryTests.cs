using System.Net;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Events written by a real node read back by tag through the SQL read journal (docs/configuration.md, "Tags"), on
/// SQLite and on a throwaway PostgreSQL.
/// </summary>
public sealed class EventTagQueryTests
{
    private const string User = "trinity";
    private const string Character = "Trinity";
    private const string Player = "player-trinity";
    private const string Account = "account-trinity";
    private const string District = "district-downtown";

    private static readonly TimeSpan Deadline = TestTime.Scaled(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Sqlite_journal_answers_queries_by_tag()
    {
        using var data = new TempData();
        await PlayAndQueryAsync(data.SqliteArgs);
    }

    [Fact]
    public async Task Postgres_journal_answers_queries_by_tag()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("mxo_tags");
        await PlayAndQueryAsync(["--persistence", "postgresql", "--connection-string", connectionString]);
    }

    [Fact]
    public async Task Events_written_before_tagging_still_replay_and_are_not_tagged_afterwards()
    {
        using var data = new TempData();
        await using (var node = await StartAsync(data.SqliteArgs))
        {
            await PlayAsync(node);
            await node.StopAsync();
        }

        // A journal from before tagging: the same rows, no tags in them.
        await using (var db = new SqliteConnection($"Data Source={data.SqliteFile}"))
        {
            await db.OpenAsync();
            await using var untag = db.CreateCommand();
            untag.CommandText = "UPDATE journal SET tags = '' WHERE tags <> ''";
            Assert.True(await untag.ExecuteNonQueryAsync() > 0);
        }

        await using var restarted = await StartAsync(data.SqliteArgs);
        using var api = new AuthClient(restarted.Http);
        var login = (await api.LoginAsync(User, character: Character)).AssertStatus(HttpStatusCode.OK);
        await using var client = await ConnectAsync(restarted, login.Str("token"));
        var welcome = Frames.Data(await client.ExpectTypeAsync("welcome"));
        Assert.Equal("downtown", welcome.GetProperty("player").GetProperty("district").GetString());

        // Only the login just made is tagged; the old events stay out of every tag query.
        var logins = await EventuallyAsync(restarted, "login", events => Assert.Single(events));
        Assert.Equal(Account, logins[0].PersistenceId);
        Assert.Empty(await CurrentEventsByTagAsync(restarted, "chat"));
        Assert.Empty(await CurrentEventsByTagAsync(restarted, "entered-district"));
    }

    private static async Task PlayAndQueryAsync(string[] persistence)
    {
        await using var node = await StartAsync(persistence);
        await PlayAsync(node);

        var entered = await EventuallyAsync(node, "entered-district", events => Assert.Single(events));
        Assert.Equal(Player, entered[0].PersistenceId);
        Assert.Equal("downtown", Assert.IsType<PlayerEvents.EnteredDistrict>(entered[0].Event).District.Value);

        var chat = await EventuallyAsync(node, "chat", events => Assert.Single(events));
        Assert.Equal(District, chat[0].PersistenceId);
        Assert.Equal("Follow the white rabbit", Assert.IsType<DistrictEvents.ChatLineRecorded>(chat[0].Event).Text);

        // Two password logins (without, then with the character): two refresh-token families opened.
        var logins = await EventuallyAsync(node, "login", events => Assert.Equal(2, events.Count));
        Assert.All(logins, e => Assert.Equal(Account, e.PersistenceId));
        Assert.All(logins, e => Assert.IsType<AccountEvents.RefreshTokenIssued>(e.Event));

        var players = await EventuallyAsync(node, "player", events => Assert.Contains(events, e => e.Event is PlayerEvents.EnteredDistrict));
        Assert.All(players, e => Assert.Equal(Player, e.PersistenceId));
        Assert.Contains(players, e => e.Event is PlayerEvents.CharacterCreated);

        var districts = await EventuallyAsync(node, "district", events => Assert.Contains(events, e => e.Event is DistrictEvents.ChatLineRecorded));
        Assert.All(districts, e => Assert.Equal(District, e.PersistenceId));
        Assert.Contains(districts, e => e.Event is DistrictEvents.PlayerEntered);

        var accounts = await EventuallyAsync(node, "account", events => Assert.Equal(2, events.Count(e => e.Event is AccountEvents.RefreshTokenIssued)));
        Assert.All(accounts, e => Assert.Equal(Account, e.PersistenceId));
        Assert.Equal(
            [typeof(AccountEvents.AccountRegistered), typeof(AccountEvents.RefreshTokenIssued), typeof(AccountEvents.CharacterAdded), typeof(AccountEvents.RefreshTokenIssued)],
            accounts.Select(e => e.Event.GetType()));

        var names = await EventuallyAsync(node, "charactername", events => Assert.Single(events));
        Assert.Equal("charactername-trinity", names[0].PersistenceId);
        Assert.IsType<CharacterNameEvents.Claimed>(names[0].Event);

        var clock = await EventuallyAsync(node, "worldclock", Assert.NotEmpty);
        Assert.All(clock, e => Assert.Equal("world-clock", e.PersistenceId));
    }

    private static Task<TestNode> StartAsync(string[] persistence) => TestNode.StartAsync([
        .. persistence,
        "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
        "--Mxo:Accounts:PasswordIterations=1000", // fast hashing for tests only
    ]);

    /// <summary>Registers, logs in, creates the character, logs in with it, enters Downtown and says one line.</summary>
    private static async Task PlayAsync(TestNode node)
    {
        using var api = new AuthClient(node.Http);
        var account = await api.NewAccountAsync(User);
        (await api.PostAsync("/characters", AuthClient.Json(("name", Character)), account.Str("token"))).AssertStatus(HttpStatusCode.Created);
        var playing = (await api.LoginAsync(User, character: Character)).AssertStatus(HttpStatusCode.OK);

        await using var client = await ConnectAsync(node, playing.Str("token"));
        await client.ExpectTypeAsync("welcome");
        await client.EnterAsync("downtown");
        var say = await client.SendAsync("say", """{"text":"Follow the white rabbit"}""");
        await client.ExpectTypeAsync("ack", say);
        await client.CloseAsync();
    }

    private static Task<TestClient> ConnectAsync(TestNode node, string token) =>
        TestClient.ConnectAsync(node.Ws, o => o.SetRequestHeader("Authorization", "Bearer " + token));

    private static async Task<IReadOnlyList<EventEnvelope>> CurrentEventsByTagAsync(TestNode node, string tag) =>
        await PersistenceQuery.Get(node.System)
            .ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByTag(tag, Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), node.System.Materializer());

    /// <summary>
    /// Re-runs the query until <paramref name="check"/> passes: a current query sees events up to the highest ordering
    /// the read journal has noticed, which lags a write by up to its query delay.
    /// </summary>
    private static async Task<IReadOnlyList<EventEnvelope>> EventuallyAsync(TestNode node, string tag, Action<IReadOnlyList<EventEnvelope>> check)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var events = await CurrentEventsByTagAsync(node, tag);
            try
            {
                check(events);
                return events;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // polling the journal, bounded by the deadline
            }
        }
    }
}
