using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Moderation;
using Mxo.Protocol.Orgs;

namespace Mxo.Actors.Moderation;

/// <summary>
/// The moderation log (issue 12): one sharded, persistent entity (type <c>moderation</c>, id <see cref="ModerationRules.LogId"/>)
/// that records every moderator's action before it is done, then sends it to the entity that does it (a character's,
/// or a crew's), which answers the moderator. One entity, not one per day or per moderator: moderation is rare (a few
/// actions a minute at most), one journal stream keeps every action in order for <c>world modlog</c>, and a sharded
/// entity moves with its shard when its node leaves, as any other. Its state keeps the newest
/// <see cref="ModerationRules.KeptEntries"/> (bounded snapshot); the journal keeps every entry.
/// <para>
/// Dispatch is by the action's channel string (<see cref="ModerationChannels"/>), so another kept channel is wired by one
/// more case in <see cref="Dispatch"/>.
/// </para>
/// </summary>
public sealed class ModerationLogEntity : MxoEntity<ModerationLogState>
{
    private readonly WorldSettings _settings;
    private readonly IActorRef _players;
    private readonly IActorRef? _crews;
    private readonly IActorRef? _orgs;

    /// <summary>How long an organisation has to answer a deletion before the moderator is told it timed out.</summary>
    private static readonly TimeSpan OrgAnswerTimeout = TimeSpan.FromSeconds(10);

    public ModerationLogEntity(string entityId, WorldSettings settings, IActorRef players, IActorRef? crews, IActorRef? orgs = null)
        : base("moderation-" + entityId, ModerationLogState.Empty, settings.SnapshotEvery)
    {
        _settings = settings;
        _players = players;
        _crews = crews;
        _orgs = orgs;
        Command<ModerationCommands.Act>(HandleAct);
        Command<ModerationCommands.Read>(r => Sender.Tell(new ModerationReplies.Entries(
            [.. State.Recent.Reverse().Take(Math.Clamp(r.Limit, 1, ModerationRules.KeptEntries))])));
        Command<ReceiveTimeout>(_ => RequestPassivation());
        CommandStop();
    }

    public static Props PropsFor(string entityId, WorldSettings settings, IActorRef players, IActorRef? crews, IActorRef? orgs = null) =>
        Props.Create(() => new ModerationLogEntity(entityId, settings, players, crews, orgs));

    protected override ModerationLogState Apply(ModerationLogState state, IMxoEvent @event) => state.Apply(@event);

    protected override void OnRecovered() => Context.SetReceiveTimeout(_settings.CrewIdleTimeout);

    private void HandleAct(ModerationCommands.Act cmd)
    {
        var action = cmd.Action with { AtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        PersistThen(new ModerationEvents.Recorded(new ModerationEntry(State.LastSeq + 1, action)), _ => Dispatch(cmd with { Action = action }),
            _ => cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown)));
    }

    private void Dispatch(ModerationCommands.Act cmd)
    {
        var action = cmd.Action;
        if (action.Kind == ModerationKinds.Delete && action.Channel == ModerationChannels.Crew)
        {
            if (_crews is null) cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, "crews are not served here"));
            else _crews.Tell(new ModerationCommands.ToCrew(CrewId.FromName(action.Target), action, cmd.CommandId, cmd.ReplyTo));
            return;
        }
        if (action.Kind == ModerationKinds.Delete && action.Channel == ModerationChannels.Org)
        {
            DeleteOrgLine(cmd);
            return;
        }
        // Mute, unmute, purge, and delete on the whisper channel: the character's entity does it (a purge fans out from there).
        _players.Tell(new ModerationCommands.ToPlayer(PlayerId.FromName(action.Target), action, cmd.CommandId, cmd.ReplyTo));
    }

    /// <summary>
    /// An organisation's line, by its <c>seq</c>: the organisation answers how many lines it removed (it answers its
    /// sender, with no command id), so the answer is piped to the moderator as an ack, or <c>unknown_message</c> for none.
    /// </summary>
    private void DeleteOrgLine(ModerationCommands.Act cmd)
    {
        var (action, commandId, replyTo) = (cmd.Action, cmd.CommandId, cmd.ReplyTo);
        if (_orgs is null)
        {
            replyTo.Tell(new Replies.Rejected(commandId, ErrorCodes.Unavailable, "organisations are not served here"));
            return;
        }
        if (!long.TryParse(action.MessageId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq))
        {
            replyTo.Tell(new Replies.Rejected(commandId, ModerationErrorCodes.UnknownMessage, $"organisation lines are named by their seq, not '{action.MessageId}'"));
            return;
        }
        _orgs.Ask<OrgReplies.Moderated>(new OrgCommands.DeleteLine(action.Target, seq, action.By), OrgAnswerTimeout)
            .PipeTo(replyTo, success: m => m.Removed > 0
                    ? new Replies.Acknowledged(commandId)
                    : new Replies.Rejected(commandId, ModerationErrorCodes.UnknownMessage, $"the organisation keeps no line {seq}"),
                failure: _ => new Replies.Rejected(commandId, ErrorCodes.Timeout, "the organisation did not answer in time"));
    }
}
