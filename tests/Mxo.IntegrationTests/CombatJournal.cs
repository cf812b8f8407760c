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
    /// <summary>The events of one entity, in order, decoded with the node's own serializer.</summary>
    public static List<object> Events(TempData data, string persistenceId)
    {
        using var system = ActorSystem.Create("decode");
        var serializer = new MxoSerializer((ExtendedActorSystem)system);
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT manifest, message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var events = new List<object>();
        while (reader.Read()) events.Add(serializer.FromBinary((byte[])reader["message"], reader.GetString(0)));
        return events;
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
