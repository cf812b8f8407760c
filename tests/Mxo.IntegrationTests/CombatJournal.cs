using Akka.Actor;
using Microsoft.Data.Sqlite;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Serialization;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>Reads a fight back from a node's SQLite journal, as the tests that crash or move an encounter check it.</summary>
internal static class CombatJournal
{
    /// <summary>One journal row: its sequence number, the writer id the journal stored with it, and its decoded event.</summary>
    public sealed record Row(long SequenceNumber, string WriterUuid, object Event);

    /// <summary>The events of one entity, in order, decoded with the node's own serializer.</summary>
    public static List<object> Events(TempData data, string persistenceId) => [.. Rows(data, persistenceId).Select(r => r.Event)];

    /// <summary>
    /// The rows of one entity, in order. The <c>writer_uuid</c> column tells incarnations apart: the one that wrote a row
    /// before a node died is not the one that took over after it (as ZombieWriterTests tells nodes' writes apart).
    /// </summary>
    public static List<Row> Rows(TempData data, string persistenceId)
    {
        using var system = ActorSystem.Create("decode");
        var serializer = new MxoSerializer((ExtendedActorSystem)system);
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT sequence_number, writer_uuid, manifest, message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
            rows.Add(new Row(reader.GetInt64(0), reader.IsDBNull(1) ? "" : reader.GetString(1), serializer.FromBinary((byte[])reader["message"], reader.GetString(2))));
        return rows;
    }

    /// <summary>
    /// The promise of issue 11 for a finished duel between <paramref name="nameA"/> (who engaged) and
    /// <paramref name="nameB"/>: every round stored once and none skipped, one end, and each character's entity applied
    /// the rounds at most once, in order, ending with the health of the encounter's last round. Returns the stored rounds.
    /// </summary>
    public static IReadOnlyList<CombatEvents.RoundResolved> AssertConsistent(TempData data, string encounter, string nameA, string nameB)
    {
        var fight = Events(data, "combat-" + encounter);
        var rounds = fight.OfType<CombatEvents.RoundResolved>().ToList();
        Assert.NotEmpty(rounds);
        Assert.Equal(Enumerable.Range(1, rounds.Count), rounds.Select(r => r.Round)); // each round once, none skipped
        var end = Assert.Single(fight.OfType<CombatEvents.EncounterEnded>());
        var last = rounds[^1];
        foreach (var (name, side) in new[] { (nameA, last.A), (nameB, last.B) })
        {
            var taken = Events(data, "player-" + name.ToLowerInvariant()).OfType<PlayerEvents.CombatRoundTaken>()
                .Where(t => t.EncounterId == encounter).ToList();
            Assert.NotEmpty(taken);
            // Never a round twice, never an older one after a newer one: strictly increasing round numbers.
            Assert.True(taken.Zip(taken.Skip(1)).All(p => p.Item2.Round > p.Item1.Round), string.Join(",", taken.Select(t => t.Round)));
            Assert.All(taken, t => Assert.True(t.Round <= Math.Max(end.Round, last.Round)));
            // The character ends with the health the encounter's last round left it.
            Assert.Equal((side.Stats.Health, true), (taken[^1].Health, taken[^1].Ended));
        }
        return rounds;
    }
}
