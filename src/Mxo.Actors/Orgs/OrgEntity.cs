using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Orgs;

namespace Mxo.Actors.Orgs;

/// <summary>
/// One organisation's chat channel (issue 12): sharded, persistent, keyed by the organisation's name (<c>zion</c>,
/// <c>machines</c>, <c>merovingian</c>). Membership is the characters' own (<c>PlayerState.Org</c>, set at creation),
/// so requests come only from the members' entities (<see cref="OrgCommands.Request"/>), which vouch for who asks and
/// that it is a member. A line is persisted first, then acknowledged, then published once on the organisation's
/// distributed pub-sub topic (<see cref="Organisations.Topic"/>), which every member's session subscribes to when it
/// is welcomed (src/Mxo.Edge/Features/OrgFeature.cs). Pub-sub rather than this entity keeping the members' sessions:
/// an organisation may have 10,000 members online, and a list of them here would mean 10,000 remote messages per line
/// from one actor (and a subscriber list to keep right through every login, logout and crash); with the topic a line
/// is one message per edge node that has members online, and each node's topic actor tells its local sessions
/// (docs/architecture.md, "Organisations"). Keeps the last <see cref="OrgRules.KeptLines"/> lines for history, and
/// takes two moderation commands from operators: delete one line, and purge a player's lines, each persisted.
/// </summary>
public sealed class OrgEntity : MxoEntity<OrgState>
{
    private readonly WorldSettings _settings;
    private readonly IActorRef _mediator;

    /// <param name="mediator">The distributed pub-sub mediator the lines are published through (a probe in tests).</param>
    public OrgEntity(string entityId, WorldSettings settings, IActorRef mediator)
        : base("org-" + entityId, OrgState.Empty(entityId), settings.SnapshotEvery)
    {
        _settings = settings;
        _mediator = mediator;
        Command<OrgCommands.Request>(Handle);
        Command<OrgCommands.DeleteLine>(HandleDelete);
        Command<OrgCommands.PurgePlayer>(HandlePurge);
        Command<ReceiveTimeout>(_ => RequestPassivation());
        CommandStop();
    }

    public static Props PropsFor(string entityId, WorldSettings settings, IActorRef mediator) =>
        Props.Create(() => new OrgEntity(entityId, settings, mediator));

    protected override OrgState Apply(OrgState state, IMxoEvent @event) => OrgRules.Apply(state, @event);

    protected override void OnRecovered() => Context.SetReceiveTimeout(_settings.OrgIdleTimeout);

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private void Handle(OrgCommands.Request cmd)
    {
        if (Organisations.Find(State.Org) is null)
        {
            Refuse(cmd, OrgErrorCodes.NoOrg, $"there is no organisation '{State.Org}'");
            return;
        }
        switch (cmd.Kind)
        {
            case OrgRequestKinds.Say: Say(cmd); return;
            case OrgRequestKinds.History: History(cmd); return;
            default: Refuse(cmd, ErrorCodes.InvalidField, $"unknown org request '{cmd.Kind}'"); return;
        }
    }

    private static void Refuse(OrgCommands.Request cmd, string code, string message) =>
        cmd.ReplyTo?.Tell(new Replies.Rejected(cmd.CommandId, code, message));

    /// <summary>An org line: kept, acknowledged, then published once to every member's session online.</summary>
    private void Say(OrgCommands.Request cmd)
    {
        var text = ChatText.Normalise(cmd.Arg);
        if (!text.Ok)
        {
            Refuse(cmd, text.Code!, text.Message!);
            return;
        }
        var seq = State.NextSeq;
        PersistThen([new OrgEvents.LineRecorded(seq, cmd.By, cmd.ByName, text.Text!, NowMs, cmd.CommandId)], () =>
        {
            cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
            var line = State.Lines[^1];
            _mediator.Tell(new Publish(Organisations.Topic(State.Org),
                new OrgPushes.Line(State.Org, cmd.By, line.Name, line.Text, line.UnixTimeMs, line.Seq)));
        }, _ => Refuse(cmd, ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown));
    }

    private void History(OrgCommands.Request cmd)
    {
        long? before = null;
        if (!string.IsNullOrEmpty(cmd.Arg))
        {
            if (OrgRules.ReadCursor(State.Org, cmd.Arg) is not { } seq)
            {
                Refuse(cmd, CrewErrorCodes.BadCursor, "the cursor is not one your organisation's history gave");
                return;
            }
            before = seq;
        }
        var (lines, next) = OrgRules.Page(State, before, cmd.Limit <= 0 ? OrgRules.MaxPage : cmd.Limit);
        cmd.ReplyTo?.Tell(new OrgReplies.History(cmd.CommandId, State.Org, next) { Lines = lines });
    }

    /// <summary>Moderation: one line deleted by its id; nothing is written when there is no such line.</summary>
    private void HandleDelete(OrgCommands.DeleteLine cmd)
    {
        var removed = State.Lines.Count(l => l.Seq == cmd.Seq);
        Moderate(removed, new OrgEvents.LineDeleted(cmd.Seq, cmd.By, NowMs));
    }

    /// <summary>Moderation: every kept line of one player deleted; nothing is written when it has none.</summary>
    private void HandlePurge(OrgCommands.PurgePlayer cmd)
    {
        var removed = State.Lines.Count(l => l.PlayerId == cmd.Player.Value);
        Moderate(removed, new OrgEvents.PlayerPurged(cmd.Player, cmd.By, NowMs));
    }

    private void Moderate(int removed, IMxoEvent recorded)
    {
        var replyTo = Sender;
        if (removed == 0)
        {
            replyTo.Tell(new OrgReplies.Moderated(State.Org, 0));
            return;
        }
        PersistThen([recorded], () =>
        {
            Log.Info("{0}: {1} ({2} kept lines removed)", PersistenceId, recorded, removed);
            replyTo.Tell(new OrgReplies.Moderated(State.Org, removed));
        }, _ => replyTo.Tell(new Replies.Rejected("", ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown)));
    }
}
