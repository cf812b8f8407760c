using Akka.Actor;
using Mxo.Actors.Accounts;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Tests;

/// <summary>A clock the test moves by hand: lock expiry, grace windows and token lifetimes without sleeping.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Stands in for the "charactername" shard region: one real <see cref="CharacterNameEntity"/> child per name.</summary>
internal sealed class LocalCharacterNames : ReceiveActor
{
    public LocalCharacterNames(AccountSettings settings)
    {
        Receive<ICharacterNameCommand>(cmd =>
        {
            var id = cmd.Character.Value;
            var child = Context.Child(id);
            if (child.IsNobody()) child = Context.ActorOf(CharacterNameEntity.PropsFor(id, settings), id);
            child.Forward(cmd);
        });
    }

    public static Props PropsFor(AccountSettings settings) => Props.Create(() => new LocalCharacterNames(settings));
}

internal static class AccountTestSettings
{
    /// <summary>Cheap hashing and small limits so tests are fast and cross the snapshot boundary.</summary>
    public static readonly AccountSettings Default = new()
    {
        PasswordIterations = 1_000,
        SnapshotEvery = 3,
        ClaimTimeout = TimeSpan.FromSeconds(2),
    };
}
