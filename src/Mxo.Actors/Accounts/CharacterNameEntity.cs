using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>
/// One character name (normalised, like <see cref="PlayerId"/>): sharded, persistent. Records which account owns it,
/// which is what makes character names unique world-wide — an account cannot know the other accounts' characters, so
/// it claims the name here before it persists the character. A claim is idempotent for the same owner and refused for
/// any other; a name is never released. At most one event is ever persisted, so there are no snapshots.
/// </summary>
public sealed class CharacterNameEntity : MxoEntity<CharacterNameEntity.NameState>
{
    /// <summary>Who owns the name (null while unclaimed) and how it was spelt. Never snapshotted.</summary>
    public sealed record NameState(AccountId? Owner, string Name);

    private readonly PlayerId _character;
    private readonly AccountSettings _settings;

    public CharacterNameEntity(string entityId, AccountSettings settings)
        : base("charactername-" + entityId, new NameState(null, ""), snapshotEvery: 0)
    {
        _character = new PlayerId(entityId);
        _settings = settings;

        Command<CharacterNameCommands.Claim>(HandleClaim);
        Command<CharacterNameCommands.GetOwner>(_ => Sender.Tell(new CharacterNameReplies.OwnerIs(_character, State.Owner, State.Name)));
        Command<ReceiveTimeout>(_ => RequestPassivation());
        CommandStop();
    }

    public static Props PropsFor(string entityId, AccountSettings settings) =>
        Props.Create(() => new CharacterNameEntity(entityId, settings));

    protected override NameState Apply(NameState state, IMxoEvent @event) => @event switch
    {
        CharacterNameEvents.Claimed e => new NameState(e.Owner, e.Name),
        _ => throw new ArgumentException($"CharacterNameEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    protected override void OnRecovered() => Context.SetReceiveTimeout(_settings.IdleTimeout);

    private void HandleClaim(CharacterNameCommands.Claim cmd)
    {
        if (State.Owner is { } owner)
        {
            Sender.Tell(owner == cmd.Owner
                ? new CharacterNameReplies.Claimed(_character, State.Name, owner)
                : new CharacterNameReplies.Refused(_character, AccountErrorCodes.NameTaken));
            return;
        }
        if (CharacterRules.ValidateName(cmd.Name) is not null || PlayerId.FromName(cmd.Name) != _character
            || !AccountRules.IsValidAccountId(cmd.Owner))
        {
            Sender.Tell(new CharacterNameReplies.Refused(_character, AccountErrorCodes.InvalidName));
            return;
        }
        var replyTo = Sender;
        PersistThen(new CharacterNameEvents.Claimed(_character, cmd.Name.Trim(), cmd.Owner),
            e => replyTo.Tell(new CharacterNameReplies.Claimed(e.Character, e.Name, e.Owner)));
    }
}
