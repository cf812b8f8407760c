using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Moderation;
using Mxo.Protocol.Players;

namespace Mxo.Actors.Crews;

/// <summary>
/// One crew (issue 12): sharded, persistent, keyed by <see cref="CrewId"/> — the crew's name normalised, so the entity
/// is also what makes crew names unique (a second <c>crew_create</c> of the same name reaches the same entity and finds
/// it created), with no separate name registry; names are never released, as character names are not
/// (<c>src/Mxo.Actors/Accounts/CharacterNameEntity.cs</c>). It is the authority on membership, the captain, invites and
/// the kept lines; each member's entity keeps a copy of its crew (<see cref="PlayerState.Crew"/>), written after the
/// crew's event. Every change is persisted before anyone is told. Requests come from the members' entities
/// (<see cref="CrewCommands.Request"/>), never straight from a session, so the requester's identity is the entity's.
/// </summary>
public sealed class CrewEntity : MxoEntity<CrewState>
{
    private readonly WorldSettings _settings;
    private readonly IActorRef _players;
    /// <summary>The inbox shard region: an invite is also a notification there (null on a test without one).</summary>
    private readonly IActorRef? _inboxes;

    public CrewEntity(string entityId, WorldSettings settings, IActorRef players, IActorRef? inboxes = null)
        : base("crew-" + entityId, CrewState.Empty(new CrewId(entityId)), settings.SnapshotEvery)
    {
        _settings = settings;
        _players = players;
        _inboxes = inboxes;
        Command<CrewCommands.Request>(Handle);
        Command<ModerationCommands.ToCrew>(Moderate);
        // The invite's notification was stored (or refused: the invite stands, and its push was sent anyway).
        Command<Mxo.Protocol.Notifications.InboxReplies.Notified>(_ => { });
        Command<Replies.Rejected>(_ => { });
        Command<ReceiveTimeout>(_ => RequestPassivation());
        CommandStop();
    }

    public static Props PropsFor(string entityId, WorldSettings settings, IActorRef players, IActorRef? inboxes = null) =>
        Props.Create(() => new CrewEntity(entityId, settings, players, inboxes));

    protected override CrewState Apply(CrewState state, IMxoEvent @event) => CrewRules.Apply(state, @event);

    protected override void OnRecovered() => Context.SetReceiveTimeout(_settings.CrewIdleTimeout);

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private void Handle(CrewCommands.Request cmd)
    {
        switch (cmd.Kind)
        {
            case CrewRequestKinds.Create: Create(cmd); return;
            case CrewRequestKinds.Accept: Accept(cmd); return;
            case CrewRequestKinds.Decline: Decline(cmd); return;
        }
        if (!State.Created || State.Disbanded || !State.IsMember(cmd.By))
        {
            // The member's copy says it is in this crew and the crew says not: the copy is put right.
            if (cmd.ReplyTo is not null)
                _players.Tell(new CrewCommands.Deliver(cmd.By, CrewDeliveryKinds.Left, State.CrewId, State.Name, "", null));
            Refuse(cmd, CrewErrorCodes.NotInCrew, "you are not in this crew");
            return;
        }
        switch (cmd.Kind)
        {
            case CrewRequestKinds.Invite: Invite(cmd); return;
            case CrewRequestKinds.Leave: Leave(cmd); return;
            case CrewRequestKinds.Kick: Kick(cmd); return;
            case CrewRequestKinds.Captain: HandOver(cmd); return;
            case CrewRequestKinds.Info: cmd.ReplyTo?.Tell(Info(cmd.CommandId)); return;
            case CrewRequestKinds.Say: Say(cmd); return;
            case CrewRequestKinds.History: History(cmd); return;
            default: Refuse(cmd, ErrorCodes.InvalidField, $"unknown crew request '{cmd.Kind}'"); return;
        }
    }

    private static void Refuse(CrewCommands.Request cmd, string code, string message) =>
        cmd.ReplyTo?.Tell(new Replies.Rejected(cmd.CommandId, code, message));

    private CrewReplies.Info Info(string commandId) => new(commandId, State.CrewId, State.Name, State.Captain) { Members = [.. State.Members] };

    private void Persist(CrewCommands.Request cmd, IMxoEvent e, Action then) =>
        PersistThen([e], then, _ => Refuse(cmd, ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown));

    private void Create(CrewCommands.Request cmd)
    {
        if (State.Created)
        {
            Refuse(cmd, CrewErrorCodes.CrewNameTaken, $"a crew called '{State.Name}' exists or existed");
            return;
        }
        var problem = CrewRules.ValidateName(cmd.Arg);
        if (problem is not null || CrewId.FromName(cmd.Arg) != State.CrewId)
        {
            Refuse(cmd, CrewErrorCodes.InvalidCrewName, problem ?? "the crew name does not match the crew");
            return;
        }
        Persist(cmd, new CrewEvents.Created(cmd.Arg.Trim(), cmd.By, cmd.ByName, NowMs), () => Joined(cmd));
    }

    /// <summary>The crew recorded <paramref name="cmd"/>'s requester as a member: its entity records it too, then answers.</summary>
    private void Joined(CrewCommands.Request cmd) =>
        _players.Tell(new CrewCommands.Deliver(cmd.By, CrewDeliveryKinds.Joined, State.CrewId, State.Name, cmd.CommandId, cmd.ReplyTo)
        {
            Info = Info(cmd.CommandId),
        });

    private void Invite(CrewCommands.Request cmd)
    {
        var invitee = PlayerId.FromName(cmd.Arg);
        if (State.Captain != cmd.By.Value)
            Refuse(cmd, CrewErrorCodes.NotCaptain, "only the captain invites");
        else if (State.IsMember(invitee))
            Refuse(cmd, CrewErrorCodes.AlreadyInCrew, $"{cmd.Arg} is in the crew already");
        else if (State.Members.Count >= CrewRules.MaxMembers)
            Refuse(cmd, CrewErrorCodes.CrewFull, $"the crew has {CrewRules.MaxMembers} members");
        else if (State.Invites.Count(i => i.ExpiresAtMs > NowMs && i.PlayerId != invitee.Value) >= _settings.CrewMaxInvites)
            Refuse(cmd, CrewErrorCodes.TooManyInvites, $"the crew has {_settings.CrewMaxInvites} pending invites; wait for them to be answered or expire");
        else
        {
            var now = NowMs;
            var expires = now + (long)_settings.CrewInviteTtl.TotalMilliseconds;
            var name = cmd.ArgName.Length > 0 ? cmd.ArgName : cmd.Arg;
            Persist(cmd, new CrewEvents.Invited(invitee, name, expires, now), () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                _players.Tell(new CrewCommands.Deliver(invitee, CrewDeliveryKinds.Invite, State.CrewId, State.Name, "", null)
                {
                    From = cmd.By, FromName = cmd.ByName, UnixTimeMs = expires,
                });
                // Also a persistent notification, so an offline invitee sees it at its next login (it expires with the invite).
                _inboxes?.Tell(Notifications.CrewInviteNotification.For(invitee, State.CrewId, State.Name, cmd.By, cmd.ByName, expires));
            });
        }
    }

    private CrewInvite? LiveInvite(PlayerId player) =>
        State.Created && !State.Disbanded ? State.Invites.FirstOrDefault(i => i.PlayerId == player.Value && i.ExpiresAtMs > NowMs) : null;

    private void Accept(CrewCommands.Request cmd)
    {
        if (State.IsMember(cmd.By))
        {
            // Its entity did not record the join (an answer lost on the way): it does now.
            Joined(cmd);
            return;
        }
        if (LiveInvite(cmd.By) is null)
            Refuse(cmd, CrewErrorCodes.NoInvite, $"no live invite from '{cmd.Arg}'");
        else if (State.Members.Count >= CrewRules.MaxMembers)
            Refuse(cmd, CrewErrorCodes.CrewFull, $"the crew has {CrewRules.MaxMembers} members");
        else
            Persist(cmd, new CrewEvents.Joined(cmd.By, cmd.ByName, NowMs), () =>
            {
                Joined(cmd);
                Tell(CrewUpdateKinds.Joined, cmd.By, cmd.ByName, except: cmd.By);
            });
    }

    private void Decline(CrewCommands.Request cmd)
    {
        if (LiveInvite(cmd.By) is null)
            Refuse(cmd, CrewErrorCodes.NoInvite, $"no live invite from '{cmd.Arg}'");
        else
            Persist(cmd, new CrewEvents.InviteDeclined(cmd.By), () => cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId)));
    }

    private void Leave(CrewCommands.Request cmd)
    {
        var name = State.Members.First(m => m.PlayerId == cmd.By.Value).Name;
        var wasCaptain = State.Captain == cmd.By.Value;
        Persist(cmd, new CrewEvents.Left(cmd.By, Kicked: false), () =>
        {
            _players.Tell(new CrewCommands.Deliver(cmd.By, CrewDeliveryKinds.Left, State.CrewId, State.Name, cmd.CommandId, cmd.ReplyTo));
            Tell(CrewUpdateKinds.Left, cmd.By, name);
            if (wasCaptain && !State.Disbanded) Tell(CrewUpdateKinds.Captain, new PlayerId(State.Captain), NameOf(State.Captain));
        });
    }

    private string NameOf(string player) => State.Members.FirstOrDefault(m => m.PlayerId == player)?.Name ?? player;

    private void Kick(CrewCommands.Request cmd)
    {
        var target = PlayerId.FromName(cmd.Arg);
        if (State.Captain != cmd.By.Value)
            Refuse(cmd, CrewErrorCodes.NotCaptain, "only the captain kicks");
        else if (target == cmd.By)
            Refuse(cmd, ChatErrorCodes.SelfTarget, "the captain leaves with crew_leave");
        else if (!State.IsMember(target))
            Refuse(cmd, ChatErrorCodes.UnknownRecipient, $"nobody called '{cmd.Arg}' is in the crew");
        else
        {
            var name = NameOf(target.Value);
            Persist(cmd, new CrewEvents.Left(target, Kicked: true), () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                _players.Tell(new CrewCommands.Deliver(target, CrewDeliveryKinds.Left, State.CrewId, State.Name, "", null));
                Tell(CrewUpdateKinds.Kicked, target, name, also: target);
            });
        }
    }

    private void HandOver(CrewCommands.Request cmd)
    {
        var target = PlayerId.FromName(cmd.Arg);
        if (State.Captain != cmd.By.Value)
            Refuse(cmd, CrewErrorCodes.NotCaptain, "only the captain hands over");
        else if (!State.IsMember(target))
            Refuse(cmd, ChatErrorCodes.UnknownRecipient, $"nobody called '{cmd.Arg}' is in the crew");
        else if (target == cmd.By)
            cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
        else
            Persist(cmd, new CrewEvents.CaptainChanged(target), () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                Tell(CrewUpdateKinds.Captain, target, NameOf(target.Value));
            });
    }

    /// <summary>A crew line: kept (the last <see cref="CrewRules.KeptLines"/>), acknowledged, then sent to every member's entity.</summary>
    private void Say(CrewCommands.Request cmd)
    {
        var text = ChatText.Normalise(cmd.Arg);
        if (!text.Ok)
        {
            Refuse(cmd, text.Code!, text.Message!);
            return;
        }
        Persist(cmd, new CrewEvents.LineRecorded(State.NextSeq, cmd.By, cmd.ByName, text.Text!, NowMs, cmd.CommandId), () =>
        {
            cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
            var line = State.Lines[^1];
            foreach (var member in State.Members)
                _players.Tell(new CrewCommands.Deliver(new PlayerId(member.PlayerId), CrewDeliveryKinds.Line, State.CrewId, State.Name, "", null)
                {
                    From = cmd.By, FromName = line.Name, Text = line.Text, UnixTimeMs = line.UnixTimeMs, Seq = line.Seq,
                });
        });
    }

    private void History(CrewCommands.Request cmd)
    {
        long? before = null;
        if (cmd.Arg.Length > 0)
        {
            if (CrewRules.ReadCursor(State.CrewId, cmd.Arg) is not { } seq)
            {
                Refuse(cmd, CrewErrorCodes.BadCursor, "the cursor is not one this crew gave");
                return;
            }
            before = seq;
        }
        var (lines, next) = CrewRules.Page(State, before, cmd.Limit <= 0 ? CrewRules.MaxPage : cmd.Limit);
        cmd.ReplyTo?.Tell(new CrewReplies.History(cmd.CommandId, State.CrewId, next) { Lines = lines });
    }

    /// <summary>
    /// A moderator's action, recorded by the moderation log first: delete one kept line (its id is its sequence number),
    /// or purge an author's lines (a character's purge fans out here from its entity, with no reply-to).
    /// </summary>
    private void Moderate(ModerationCommands.ToCrew cmd)
    {
        var action = cmd.Action;
        IMxoEvent? e = null;
        if (action.Kind == ModerationKinds.Purge)
        {
            var author = PlayerId.FromName(action.Target);
            if (State.Lines.Any(l => l.PlayerId == author.Value)) e = new CrewEvents.LinesPurged(author);
        }
        else if (action.Kind == ModerationKinds.Delete)
        {
            if (!long.TryParse(action.MessageId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq)
                || !State.Lines.Any(l => l.Seq == seq))
            {
                cmd.ReplyTo?.Tell(new Replies.Rejected(cmd.CommandId, ModerationErrorCodes.UnknownMessage,
                    $"the crew '{action.Target}' keeps no line '{action.MessageId}'"));
                return;
            }
            e = new CrewEvents.LineDeleted(seq);
        }
        PersistThen(e is null ? [] : [e], () => cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId)),
            _ => cmd.ReplyTo?.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown)));
    }

    /// <summary>A <c>crew_update</c> to every member's entity (and <paramref name="also"/>'s: a kicked member hears it), but <paramref name="except"/>.</summary>
    private void Tell(string kind, PlayerId player, string name, PlayerId? except = null, PlayerId? also = null)
    {
        var captain = new PlayerId(State.Captain);
        IEnumerable<PlayerId> to = State.Members.Select(m => new PlayerId(m.PlayerId));
        if (also is { } extra) to = to.Append(extra);
        foreach (var member in to)
        {
            if (member == except) continue;
            _players.Tell(new CrewCommands.Deliver(member, CrewDeliveryKinds.Update, State.CrewId, State.Name, "", null)
            {
                From = player, FromName = name, Text = kind, Captain = captain,
            });
        }
    }
}
