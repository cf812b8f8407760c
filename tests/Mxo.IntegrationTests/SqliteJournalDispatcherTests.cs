using Akka.Dispatch;
using Mxo.Node.Hosting;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// SQLite's calls block their thread: the embedded journal's streams run on a dispatcher with threads of its own, so a
/// busy journal cannot starve the thread pool every actor and socket runs on (hocon/akka.conf, "sqlite-dispatcher").
/// </summary>
public sealed class SqliteJournalDispatcherTests
{
    [Fact]
    public async Task The_sqlite_journal_streams_run_on_their_own_threads()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]);
        var config = node.System.Settings.Config;

        Assert.Equal(PersistenceSetup.SqliteDispatcher, config.GetString("akka.persistence.journal.sql.materializer-dispatcher"));
        var dispatcher = node.System.Dispatchers.Lookup(PersistenceSetup.SqliteDispatcher);
        Assert.IsType<Dispatcher>(dispatcher);
        Assert.Equal("ForkJoinDispatcher", config.GetString(PersistenceSetup.SqliteDispatcher + ".type"));
        Assert.Equal(2, config.GetInt(PersistenceSetup.SqliteDispatcher + ".dedicated-thread-pool.thread-count"));
    }
}
