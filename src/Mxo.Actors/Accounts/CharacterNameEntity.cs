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
public sealed class CharacterNameEntity : ReceivePersistentActor
{
    /// <summary>Sent by the shard on passivation and hand-off.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    private readonly PlayerId _character;
    private AccountId? _owner;
    private string _name = "";

    public CharacterNameEntity(string entityId, AccountSettings settings)
    {
        _character = new PlayerId(entityId);
        PersistenceId = "charactername-" + entityId;

        Recover<CharacterNameEvents.Claimed>(Apply);
        Recover<RecoveryCompleted>(_ => Context.SetReceiveTimeout(settings.IdleTimeout));

        Command<CharacterNameCommands.Claim>(HandleClaim);
        Command<CharacterNameCommands.GetOwner>(_ => Sender.Tell(new CharacterNameReplies.OwnerIs(_character, _owner, _name)));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(Stop.Instance)));
        Command<Stop>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    public static Props PropsFor(string entityId, AccountSettings settings) =>
        Props.Create(() => new CharacterNameEntity(entityId, settings));

    private void HandleClaim(CharacterNameCommands.Claim cmd)
    {
        if (_owner is { } owner)
        {
            Sender.Tell(owner == cmd.Owner
                ? new CharacterNameReplies.Claimed(_character, _name, owner)
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
        Persist(new CharacterNameEvents.Claimed(_character, cmd.Name.Trim(), cmd.Owner), e =>
        {
            Apply(e);
            replyTo.Tell(new CharacterNameReplies.Claimed(e.Character, e.Name, e.Owner));
        });
    }

    private void Apply(CharacterNameEvents.Claimed e)
    {
        _owner = e.Owner;
        _name = e.Name;
    }
}
