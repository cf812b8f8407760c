using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Mxo.Actors.Accounts;
using Mxo.Protocol.Accounts;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Issue 8: an account switches behaviour with <c>Become</c> around every password check, which used to drop the
/// snapshot store's replies: its old snapshots were never deleted. Checked in the real SQLite snapshot table.
/// </summary>
public sealed class SnapshotHousekeepingTests
{
    [Fact]
    public async Task After_many_logins_an_account_keeps_only_its_newest_snapshot()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([
            .. data.SqliteArgs, "--dev", "--Mxo:Accounts:PasswordIterations=1000", "--Mxo:Accounts:SnapshotEvery=2",
        ]);
        var accounts = ActorRegistry.For(node.System).Get<AccountRegion>();
        var id = AccountId.FromName("snapshotter");
        var timeout = TimeSpan.FromSeconds(10 * TestClient.TimeFactor);
        await accounts.Ask<AccountReplies.Registered>(new AccountCommands.Register(id, "snapshotter", "correct horse battery"), timeout);
        // Registration plus six logins: seven events, so snapshots were taken at 2, 4 and 6.
        for (var i = 0; i < 6; i++)
            await accounts.Ask<AccountReplies.LoginSucceeded>(new AccountCommands.Login(id, "correct horse battery", "127.0.0.1"), timeout);

        var deadline = DateTime.UtcNow + timeout;
        List<long> kept;
        while (true)
        {
            kept = SnapshotSequenceNumbers(data.SqliteFile, "account-" + id.Value);
            // Saving the newest and deleting the older ones both happen after the reply: wait for the end state.
            if (kept is [6] || DateTime.UtcNow > deadline) break;
            await Task.Delay(50); // polls the store: deleting old snapshots is asynchronous by design
        }
        Assert.Equal([6L], kept);
    }

    private static List<long> SnapshotSequenceNumbers(string file, string persistenceId)
    {
        using var db = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT sequence_number FROM snapshot WHERE persistence_id = $id ORDER BY sequence_number";
        query.Parameters.AddWithValue("$id", persistenceId);
        using var reader = query.ExecuteReader();
        var numbers = new List<long>();
        while (reader.Read()) numbers.Add(reader.GetInt64(0));
        return numbers;
    }
}
