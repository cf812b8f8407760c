using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using ProtoBuf;
using ProtoBuf.Meta;

namespace Mxo.Protocol.Serialization;

/// <summary>
/// The one serializer for <see cref="IMxoMessage"/> (docs/architecture.md, decision 3): protobuf (protobuf-net contracts) with a
/// short, stable manifest per type. Manifests and field numbers are a schema: never reuse or renumber them.
/// </summary>
public sealed class MxoSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 471;

    /// <summary>Manifest ↔ type. Append only: a manifest once written to a journal must stay readable forever.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        // player commands
        ["pc.attach"] = typeof(PlayerCommands.Attach),
        ["pc.detach"] = typeof(PlayerCommands.Detach),
        ["pc.enter"] = typeof(PlayerCommands.EnterDistrict),
        ["pc.move"] = typeof(PlayerCommands.Move),
        ["pc.say"] = typeof(PlayerCommands.Say),
        ["pc.get"] = typeof(PlayerCommands.GetState),
        ["pc.kick"] = typeof(PlayerCommands.Kick),
        ["pc.teleport"] = typeof(PlayerCommands.Teleport),
        ["pc.jackout"] = typeof(PlayerCommands.JackOut),
        ["pc.interact"] = typeof(PlayerCommands.Interact),
        ["pc.resume"] = typeof(PlayerCommands.Resume),
        ["pr.resynced"] = typeof(PlayerReplies.Resynced),
        ["pe.hardline"] = typeof(PlayerEvents.HardlineUnlocked),
        ["pr.corrected"] = typeof(PlayerReplies.PositionCorrected),
        ["pr.hardline"] = typeof(PlayerReplies.HardlineUnlocked),
        ["pr.jackedout"] = typeof(PlayerReplies.JackedOut),
        ["dc.interact"] = typeof(DistrictCommands.Interact),
        ["dc.status"] = typeof(DistrictCommands.GetStatus),
        ["de.object"] = typeof(DistrictEvents.ObjectInteracted),
        ["dr.refused"] = typeof(DistrictReplies.JoinRefused),
        ["dr.status"] = typeof(DistrictReplies.Status),
        ["object"] = typeof(ObjectStatus),
        ["push.object"] = typeof(SessionPushes.ObjectChanged),
        ["push.env"] = typeof(SessionPushes.Environment),
        // player events (persisted)
        ["pe.created"] = typeof(PlayerEvents.CharacterCreated),
        ["pe.entered"] = typeof(PlayerEvents.EnteredDistrict),
        ["pe.checkpoint"] = typeof(PlayerEvents.PositionCheckpointed),
        // player replies and state
        ["pr.sheet"] = typeof(PlayerReplies.CharacterSheet),
        ["pr.attached"] = typeof(PlayerReplies.Attached),
        ["pr.entered"] = typeof(PlayerReplies.EnteredDistrict),
        ["pr.ack"] = typeof(Replies.Acknowledged),
        ["pr.rejected"] = typeof(Replies.Rejected),
        ["ps"] = typeof(PlayerState),
        ["occupant"] = typeof(Occupant),
        // district commands
        ["dc.join"] = typeof(DistrictCommands.Join),
        ["dc.leave"] = typeof(DistrictCommands.Leave),
        ["dc.depart"] = typeof(DistrictCommands.Depart),
        ["dc.pos"] = typeof(DistrictCommands.UpdatePosition),
        ["dc.say"] = typeof(DistrictCommands.Say),
        ["dc.occupancy"] = typeof(DistrictCommands.GetOccupancy),
        // district events (persisted)
        ["de.entered"] = typeof(DistrictEvents.PlayerEntered),
        ["de.left"] = typeof(DistrictEvents.PlayerLeft),
        ["de.chat"] = typeof(DistrictEvents.ChatLineRecorded),
        // district replies, state, pushes
        ["dr.joined"] = typeof(DistrictReplies.Joined),
        ["dr.occupancy"] = typeof(DistrictReplies.Occupancy),
        ["ds"] = typeof(DistrictState),
        ["push.chat"] = typeof(SessionPushes.ChatLine),
        ["push.replaced"] = typeof(SessionPushes.Replaced),
        ["push.view"] = typeof(SessionPushes.ViewUpdate),
        ["seen"] = typeof(Seen),
        ["push.revoked"] = typeof(SessionPushes.Revoked),
        ["push.disconnect"] = typeof(SessionPushes.Disconnect),
        // account commands
        ["ac.register"] = typeof(AccountCommands.Register),
        ["ac.login"] = typeof(AccountCommands.Login),
        ["ac.password"] = typeof(AccountCommands.ChangePassword),
        ["ac.char-create"] = typeof(AccountCommands.CreateCharacter),
        ["ac.char-list"] = typeof(AccountCommands.ListCharacters),
        ["ac.char-select"] = typeof(AccountCommands.SelectCharacter),
        ["ac.refresh"] = typeof(AccountCommands.Refresh),
        ["ac.logout"] = typeof(AccountCommands.Logout),
        ["ac.grant"] = typeof(AccountCommands.GrantPermission),
        ["ac.revoke"] = typeof(AccountCommands.RevokePermission),
        ["ac.get"] = typeof(AccountCommands.GetAccount),
        // account events (persisted)
        ["ae.registered"] = typeof(AccountEvents.AccountRegistered),
        ["ae.password"] = typeof(AccountEvents.PasswordChanged),
        ["ae.rehashed"] = typeof(AccountEvents.PasswordRehashed),
        ["ae.locked"] = typeof(AccountEvents.AccountLocked),
        ["ae.char-added"] = typeof(AccountEvents.CharacterAdded),
        ["ae.token-issued"] = typeof(AccountEvents.RefreshTokenIssued),
        ["ae.token-rotated"] = typeof(AccountEvents.RefreshTokenRotated),
        ["ae.family-revoked"] = typeof(AccountEvents.RefreshFamilyRevoked),
        ["ae.perm-granted"] = typeof(AccountEvents.PermissionGranted),
        ["ae.perm-revoked"] = typeof(AccountEvents.PermissionRevoked),
        // account replies and state
        ["ar.registered"] = typeof(AccountReplies.Registered),
        ["ar.register-failed"] = typeof(AccountReplies.RegisterFailed),
        ["ar.login-ok"] = typeof(AccountReplies.LoginSucceeded),
        ["ar.login-failed"] = typeof(AccountReplies.LoginFailed),
        ["ar.password"] = typeof(AccountReplies.PasswordChanged),
        ["ar.password-failed"] = typeof(AccountReplies.PasswordChangeFailed),
        ["ar.char-created"] = typeof(AccountReplies.CharacterCreated),
        ["ar.char-failed"] = typeof(AccountReplies.CharacterFailed),
        ["ar.char-list"] = typeof(AccountReplies.CharacterList),
        ["ar.char-selected"] = typeof(AccountReplies.CharacterSelected),
        ["ar.refreshed"] = typeof(AccountReplies.Refreshed),
        ["ar.refresh-failed"] = typeof(AccountReplies.RefreshFailed),
        ["ar.logged-out"] = typeof(AccountReplies.LoggedOut),
        ["ar.permissions"] = typeof(AccountReplies.PermissionsChanged),
        ["ar.summary"] = typeof(AccountReplies.AccountSummary),
        ["ar.rejected"] = typeof(AccountReplies.Rejected),
        ["as"] = typeof(AccountState),
        // character-name registry
        ["nc.claim"] = typeof(CharacterNameCommands.Claim),
        ["nc.owner"] = typeof(CharacterNameCommands.GetOwner),
        ["ne.claimed"] = typeof(CharacterNameEvents.Claimed),
        ["nr.claimed"] = typeof(CharacterNameReplies.Claimed),
        ["nr.refused"] = typeof(CharacterNameReplies.Refused),
        ["nr.owner"] = typeof(CharacterNameReplies.OwnerIs),
        // world clock (singleton): commands, events (persisted), publications, replies and state
        ["wc.subscribe"] = typeof(World.WorldClockCommands.Subscribe),
        ["wc.unsubscribe"] = typeof(World.WorldClockCommands.Unsubscribe),
        ["wc.get"] = typeof(World.WorldClockCommands.GetEnvironment),
        ["we.started"] = typeof(World.WorldClockEvents.ClockStarted),
        ["we.weather"] = typeof(World.WorldClockEvents.WeatherChanged),
        ["we.env-changed"] = typeof(World.WorldClockEvents.EnvironmentChanged),
        ["wr.env"] = typeof(World.WorldEnvironment),
        ["wcs"] = typeof(World.WorldClockState),
        // mission scheduler (singleton): commands, replies, deliveries, events (persisted) and state
        ["msc.schedule"] = typeof(Missions.MissionSchedulerCommands.Schedule),
        ["msc.cancel"] = typeof(Missions.MissionSchedulerCommands.Cancel),
        ["msc.recurring"] = typeof(Missions.MissionSchedulerCommands.SetRecurring),
        ["msc.window"] = typeof(Missions.MissionSchedulerCommands.SetWindow),
        ["msc.remove"] = typeof(Missions.MissionSchedulerCommands.RemoveSchedule),
        ["msc.status"] = typeof(Missions.MissionSchedulerCommands.GetStatus),
        ["msr.accepted"] = typeof(Missions.MissionSchedulerReplies.Accepted),
        ["msr.refused"] = typeof(Missions.MissionSchedulerReplies.Refused),
        ["msr.cancelled"] = typeof(Missions.MissionSchedulerReplies.Cancelled),
        ["msr.scheduleset"] = typeof(Missions.MissionSchedulerReplies.ScheduleSet),
        ["msr.status"] = typeof(Missions.MissionSchedulerReplies.Status),
        ["ms.fired"] = typeof(Missions.TimerFired),
        ["pc.timerfired"] = typeof(Missions.PlayerTimerFired),
        ["pc.mission"] = typeof(Missions.MissionCommands.FromPlayer),
        ["mr.frame"] = typeof(Missions.MissionReplies.Frame),
        ["pe.missions"] = typeof(PlayerEvents.MissionsChanged),
        ["mission.sheet"] = typeof(Missions.MissionSheet),
        ["mission.active"] = typeof(Missions.ActiveMissionData),
        ["mission.item"] = typeof(Missions.HeldItemData),
        ["mission.rep"] = typeof(Missions.ReputationData),
        ["mission.offer"] = typeof(Missions.MissionOfferData),
        ["mse.scheduled"] = typeof(Missions.MissionSchedulerEvents.TimerScheduled),
        ["mse.cancelled"] = typeof(Missions.MissionSchedulerEvents.TimerCancelled),
        ["mse.scheduleset"] = typeof(Missions.MissionSchedulerEvents.ScheduleSet),
        ["mse.scheduleremoved"] = typeof(Missions.MissionSchedulerEvents.ScheduleRemoved),
        ["mse.fired"] = typeof(Missions.MissionSchedulerEvents.Fired),
        ["mss"] = typeof(Missions.MissionSchedulerState),
        // write fence (src/Mxo.Node/Fencing): contact monitors between nodes, never persisted
        ["fence.ping"] = typeof(Fencing.ContactPing),
        ["fence.pong"] = typeof(Fencing.ContactPong),
        ["pc.combatround"] = typeof(PlayerCommands.TakeCombatRound),
        ["pc.reconstruct"] = typeof(PlayerCommands.Reconstruct),
        ["pe.combatround"] = typeof(PlayerEvents.CombatRoundTaken),
        ["pe.reconstructed"] = typeof(PlayerEvents.Reconstructed),
        ["pr.reconstructed"] = typeof(PlayerReplies.Reconstructed),
        ["pr.derezzed"] = typeof(PlayerReplies.Derezzed),
        // combat encounters: commands, replies, pushes, events (persisted) and state
        ["cc.start"] = typeof(Combat.CombatCommands.StartEncounter),
        ["cc.tactic"] = typeof(Combat.CombatCommands.ChooseTactic),
        ["cc.ability"] = typeof(Combat.CombatCommands.UseAbility),
        ["cc.withdraw"] = typeof(Combat.CombatCommands.Withdraw),
        ["cc.get"] = typeof(Combat.CombatCommands.GetEncounter),
        ["cr.started"] = typeof(Combat.CombatReplies.EncounterStarted),
        ["cr.accepted"] = typeof(Combat.CombatReplies.Accepted),
        ["push.round"] = typeof(Combat.CombatPushes.RoundPlayed),
        ["ce.began"] = typeof(Combat.CombatEvents.EncounterBegan),
        ["ce.action"] = typeof(Combat.CombatEvents.ActionTaken),
        ["ce.round"] = typeof(Combat.CombatEvents.RoundResolved),
        ["ce.ended"] = typeof(Combat.CombatEvents.EncounterEnded),
        ["cs"] = typeof(Combat.EncounterState),
        ["cc.forfeit"] = typeof(Combat.CombatCommands.Forfeit),
        ["cr.roundtaken"] = typeof(Combat.CombatReplies.RoundTaken),
        ["push.combatstarted"] = typeof(Combat.CombatPushes.Started),
        ["push.combatended"] = typeof(Combat.CombatPushes.Ended),
        // fights in districts and from the edge
        ["pc.engage"] = typeof(PlayerCommands.Engage),
        ["pc.answerduel"] = typeof(PlayerCommands.AnswerDuel),
        ["dc.engage"] = typeof(DistrictCommands.Engage),
        ["dc.answerduel"] = typeof(DistrictCommands.AnswerDuel),
        ["dc.fightround"] = typeof(DistrictCommands.FightRound),
        ["d.fighter"] = typeof(FighterSeen),
        ["de.npcdefeated"] = typeof(DistrictEvents.NpcDefeated),
        ["de.npcrespawned"] = typeof(DistrictEvents.NpcRespawned),
        ["push.fight"] = typeof(SessionPushes.FightSeen),
        ["push.duelchallenge"] = typeof(SessionPushes.DuelChallenge),
        ["push.dueldeclined"] = typeof(SessionPushes.DuelDeclined),
        // chat channels (issue 12): commands, the ignore list's events (persisted), replies and pushes
        ["pc.whisper"] = typeof(Chat.ChatCommands.Whisper),
        ["pc.reply"] = typeof(Chat.ChatCommands.Reply),
        ["pc.deliverwhisper"] = typeof(Chat.ChatCommands.DeliverWhisper),
        ["pc.emote"] = typeof(Chat.ChatCommands.Emote),
        ["dc.emote"] = typeof(Chat.ChatCommands.DistrictEmote),
        ["pc.ignore"] = typeof(Chat.ChatCommands.Ignore),
        ["pc.getignores"] = typeof(Chat.ChatCommands.GetIgnores),
        ["pe.ignored"] = typeof(PlayerEvents.Ignored),
        ["pe.unignored"] = typeof(PlayerEvents.Unignored),
        ["pr.ignores"] = typeof(Chat.ChatReplies.Ignores),
        ["push.whisper"] = typeof(Chat.ChatPushes.Whispered),
        ["push.emote"] = typeof(Chat.ChatPushes.Emoted),
        // inboxes (notifications): commands, events (persisted), state, replies, pushes
        ["n"] = typeof(Notifications.Notification),
        ["ic.notify"] = typeof(Notifications.InboxCommands.Notify),
        ["ic.subscribe"] = typeof(Notifications.InboxCommands.Subscribe),
        ["ic.list"] = typeof(Notifications.InboxCommands.List),
        ["ic.mark"] = typeof(Notifications.InboxCommands.Mark),
        ["ic.get"] = typeof(Notifications.InboxCommands.GetInbox),
        ["ie.added"] = typeof(Notifications.InboxEvents.Added),
        ["ie.marked"] = typeof(Notifications.InboxEvents.Marked),
        ["ie.delivered"] = typeof(Notifications.InboxEvents.Delivered),
        ["is"] = typeof(Notifications.InboxState),
        ["ir.notified"] = typeof(Notifications.InboxReplies.Notified),
        ["ir.subscribed"] = typeof(Notifications.InboxReplies.Subscribed),
        ["ir.page"] = typeof(Notifications.InboxReplies.Page),
        ["push.notification"] = typeof(Notifications.InboxPushes.Pushed),
        // crews (issue 12): commands, events (persisted), state, replies and pushes
        ["pc.crew"] = typeof(Crews.CrewCommands.FromPlayer),
        ["pc.crewdeliver"] = typeof(Crews.CrewCommands.Deliver),
        ["crc.request"] = typeof(Crews.CrewCommands.Request),
        ["pe.crewjoined"] = typeof(PlayerEvents.CrewJoined),
        ["pe.crewleft"] = typeof(PlayerEvents.CrewLeft),
        ["cre.created"] = typeof(Crews.CrewEvents.Created),
        ["cre.invited"] = typeof(Crews.CrewEvents.Invited),
        ["cre.declined"] = typeof(Crews.CrewEvents.InviteDeclined),
        ["cre.joined"] = typeof(Crews.CrewEvents.Joined),
        ["cre.left"] = typeof(Crews.CrewEvents.Left),
        ["cre.captain"] = typeof(Crews.CrewEvents.CaptainChanged),
        ["cre.line"] = typeof(Crews.CrewEvents.LineRecorded),
        ["crs"] = typeof(Crews.CrewState),
        ["crew.member"] = typeof(Crews.CrewMember),
        ["crew.invite"] = typeof(Crews.CrewInvite),
        ["crew.line"] = typeof(Crews.CrewLine),
        ["crr.info"] = typeof(Crews.CrewReplies.Info),
        ["crr.history"] = typeof(Crews.CrewReplies.History),
        ["push.crewinvite"] = typeof(Crews.CrewPushes.Invited),
        ["push.crewupdate"] = typeof(Crews.CrewPushes.Updated),
        ["push.crewline"] = typeof(Crews.CrewPushes.Line),
        // teams (issue 12): commands, events (persisted), state, replies and pushes
        ["pc.team"] = typeof(Teams.TeamCommands.FromPlayer),
        ["pc.teamdeliver"] = typeof(Teams.TeamCommands.Deliver),
        ["tmc.request"] = typeof(Teams.TeamCommands.Request),
        ["pe.teamjoined"] = typeof(PlayerEvents.TeamJoined),
        ["pe.teamleft"] = typeof(PlayerEvents.TeamLeft),
        ["tme.created"] = typeof(Teams.TeamEvents.Created),
        ["tme.invited"] = typeof(Teams.TeamEvents.Invited),
        ["tme.declined"] = typeof(Teams.TeamEvents.InviteDeclined),
        ["tme.joined"] = typeof(Teams.TeamEvents.Joined),
        ["tme.left"] = typeof(Teams.TeamEvents.Left),
        ["tme.leader"] = typeof(Teams.TeamEvents.LeaderChanged),
        ["tme.disbanded"] = typeof(Teams.TeamEvents.Disbanded),
        ["tms"] = typeof(Teams.TeamState),
        ["team.member"] = typeof(Teams.TeamMember),
        ["team.invite"] = typeof(Teams.TeamInvite),
        ["tmr.info"] = typeof(Teams.TeamReplies.Info),
        ["push.teaminvite"] = typeof(Teams.TeamPushes.Invited),
        ["push.teamupdate"] = typeof(Teams.TeamPushes.Updated),
        ["push.teamline"] = typeof(Teams.TeamPushes.Line),
        // kept whispers, offline whispers, persisted mutes (issue 12)
        ["chat.keptwhisper"] = typeof(Chat.KeptWhisper),
        ["pc.whisperhistory"] = typeof(Chat.WhisperCommands.History),
        ["pc.offlinewhispers"] = typeof(Chat.WhisperCommands.SetOfflineWhispers),
        ["pc.whisperdelivered"] = typeof(Chat.WhisperCommands.Delivered),
        ["pr.whisperhistory"] = typeof(Chat.WhisperReplies.History),
        ["pr.chatsettings"] = typeof(Chat.WhisperReplies.Settings),
        ["pe.whisperkept"] = typeof(Chat.ChatEvents.WhisperKept),
        ["pe.whisperdeleted"] = typeof(Chat.ChatEvents.WhisperDeleted),
        ["pe.whisperspurged"] = typeof(Chat.ChatEvents.WhispersPurged),
        ["pe.offlinewhispers"] = typeof(Chat.ChatEvents.OfflineWhispersSet),
        ["pe.muted"] = typeof(Chat.ChatEvents.Muted),
        ["pe.unmuted"] = typeof(Chat.ChatEvents.Unmuted),
        ["cre.linedeleted"] = typeof(Crews.CrewEvents.LineDeleted),
        ["cre.linespurged"] = typeof(Crews.CrewEvents.LinesPurged),
        // moderation (issue 12): actions, the log's commands, events (persisted), state and replies
        ["mod.action"] = typeof(Moderation.ModerationAction),
        ["mod.entry"] = typeof(Moderation.ModerationEntry),
        ["mod.act"] = typeof(Moderation.ModerationCommands.Act),
        ["mod.read"] = typeof(Moderation.ModerationCommands.Read),
        ["pc.moderate"] = typeof(Moderation.ModerationCommands.ToPlayer),
        ["crc.moderate"] = typeof(Moderation.ModerationCommands.ToCrew),
        ["mode.recorded"] = typeof(Moderation.ModerationEvents.Recorded),
        ["modr.entries"] = typeof(Moderation.ModerationReplies.Entries),
        ["mods"] = typeof(Moderation.ModerationLogState),
        // organisations and the system channel (issue 12): commands, events (persisted), state, replies and pushes
        ["pc.org"] = typeof(Orgs.OrgCommands.FromPlayer),
        ["oc.request"] = typeof(Orgs.OrgCommands.Request),
        ["oc.delete"] = typeof(Orgs.OrgCommands.DeleteLine),
        ["oc.purge"] = typeof(Orgs.OrgCommands.PurgePlayer),
        ["oe.line"] = typeof(Orgs.OrgEvents.LineRecorded),
        ["oe.deleted"] = typeof(Orgs.OrgEvents.LineDeleted),
        ["oe.purged"] = typeof(Orgs.OrgEvents.PlayerPurged),
        ["os"] = typeof(Orgs.OrgState),
        ["org.line"] = typeof(Orgs.OrgLine),
        ["or.history"] = typeof(Orgs.OrgReplies.History),
        ["or.moderated"] = typeof(Orgs.OrgReplies.Moderated),
        ["push.orgline"] = typeof(Orgs.OrgPushes.Line),
        ["sys.announce"] = typeof(Chat.SystemChannel.Announcement),
        ["sys.told"] = typeof(Chat.SystemChannel.Told),
    };

    private static readonly Dictionary<Type, string> ManifestByType = Manifests.ToDictionary(kv => kv.Value, kv => kv.Key);

    private static readonly RuntimeTypeModel Model = CreateModel();

    public MxoSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    private static RuntimeTypeModel CreateModel()
    {
        var model = RuntimeTypeModel.Create("mxo");
        model.Add(typeof(IActorRef), false).SetSurrogate(typeof(ActorRefSurrogate));
        foreach (var type in Manifests.Values) model.Add(type, true);
        model.CompileInPlace();
        return model;
    }

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no manifest in {nameof(MxoSerializer)}");

    public override byte[] ToBinary(object obj)
    {
        if (!ManifestByType.ContainsKey(obj.GetType()))
            throw new SerializationException($"{obj.GetType().FullName} has no manifest in {nameof(MxoSerializer)}");
        var previous = ActorRefSurrogate.System;
        ActorRefSurrogate.System = system;
        try
        {
            using var stream = new MemoryStream();
            Model.Serialize(stream, obj);
            return stream.ToArray();
        }
        finally
        {
            ActorRefSurrogate.System = previous;
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(MxoSerializer)}");
        var previous = ActorRefSurrogate.System;
        ActorRefSurrogate.System = system;
        try
        {
            return Model.Deserialize(type, new ReadOnlyMemory<byte>(bytes))
                   ?? throw new SerializationException($"Manifest '{manifest}' deserialized to null");
        }
        finally
        {
            ActorRefSurrogate.System = previous;
        }
    }

    /// <summary>Actor refs travel as their serialized path and are resolved by the receiving system.</summary>
    [ProtoContract]
    internal sealed class ActorRefSurrogate
    {
        [ThreadStatic] internal static ExtendedActorSystem? System;

        [ProtoMember(1)] public string Path { get; set; } = "";

        [ProtoConverter]
        public static ActorRefSurrogate? From(IActorRef? actorRef) =>
            actorRef is null ? null : new ActorRefSurrogate { Path = Akka.Serialization.Serialization.SerializedActorPath(actorRef) };

        [ProtoConverter]
        public static IActorRef? To(ActorRefSurrogate? surrogate)
        {
            if (surrogate is null) return null;
            var system = System ?? throw new SerializationException("Actor refs can only be deserialized inside an ActorSystem");
            return system.Provider.ResolveActorRef(surrogate.Path);
        }
    }
}
