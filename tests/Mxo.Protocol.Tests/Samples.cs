using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Players;

namespace Mxo.Protocol.Tests;

/// <summary>One representative instance of every type the serializer knows, with non-default values in every field.</summary>
public static class Samples
{
    public static readonly PlayerId Neo = new("neo");
    public static readonly DistrictId Downtown = new("downtown");
    public static readonly Vec3 Here = new(1500.25, -3, 42.5);

    public static readonly AccountId Thomas = new("thomas.anderson");

    private static readonly byte[] Salt = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
    private static readonly byte[] HashA = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly byte[] HashB = [.. Enumerable.Range(200, 32).Select(i => (byte)i)];
    private static readonly PasswordHash Pbkdf2 = new("pbkdf2-sha256", 600_000, Salt, HashA);
    private static readonly AccountCharacter NeoCharacter = new(Neo, "Neo");
    private const string FamilyId = "AAECAwQFBgcICQoLDA0ODw";
    private const string Token = "AAECAwQFBgcICQoLDA0ODw.ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8";

    private static readonly Occupant Trinity = new(new PlayerId("trinity"), "Trinity", new Vec3(1, 2, 3));

    /// <summary>Persisted types: their bytes are pinned by golden files. Never change these values.</summary>
    public static IReadOnlyList<IMxoMessage> Persisted() =>
    [
        new PlayerEvents.CharacterCreated(Neo, "Neo", 500, 200, 1000),
        new PlayerEvents.EnteredDistrict(Downtown, Here, "cmd-1"),
        new PlayerEvents.PositionCheckpointed(Here),
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, ["cmd-1", "cmd-2"]),
        new DistrictEvents.PlayerEntered(Neo, "Neo"),
        new DistrictEvents.PlayerLeft(Neo),
        new DistrictEvents.ChatLineRecorded(Neo, "Neo", "There is no spoon.", "cmd-3", 1_795_000_000_000),
        new DistrictEvents.ObjectInteracted("downtown-club-door", Neo, "open", "open", 1_795_000_000_000),
        new PlayerEvents.HardlineUnlocked("downtown-pearl-st"),
        new DistrictState(Downtown, System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("neo", "Neo"), ["neo/cmd-3"]),
        new AccountEvents.AccountRegistered(Thomas, "Thomas.Anderson", Pbkdf2, 1_795_000_000_000),
        new AccountEvents.PasswordChanged(new PasswordHash("pbkdf2-sha512", 210_000, Salt, [.. HashA, .. HashB]), 1_795_000_000_001),
        new AccountEvents.PasswordRehashed(new PasswordHash("pbkdf2-sha256", 700_000, Salt, HashB)),
        new AccountEvents.AccountLocked(1_795_000_060_000, 5),
        new AccountEvents.CharacterAdded(Neo, "Neo"),
        new AccountEvents.RefreshTokenIssued(FamilyId, HashA, 1_795_000_000_000, 1_797_592_000_000),
        new AccountEvents.RefreshTokenRotated(FamilyId, HashA, HashB, 1_795_000_100_000, 1_797_592_100_000),
        new AccountEvents.RefreshFamilyRevoked(FamilyId, RevocationReasons.Reuse),
        new AccountEvents.PermissionGranted(Permissions.GameMaster),
        new AccountEvents.PermissionRevoked(Permissions.Admin),
        new AccountState(Thomas, true, "Thomas.Anderson", Pbkdf2, [Permissions.Player, Permissions.GameMaster], [NeoCharacter],
            1_795_000_060_000, [new RefreshFamily(FamilyId, HashB, 1_795_000_000_000, 1_797_592_100_000, HashA, 1_795_000_100_000)],
            1_795_000_000_000),
        new CharacterNameEvents.Claimed(Neo, "Neo", Thomas),
        new World.WorldClockEvents.ClockStarted(1_795_000_000_000, 0x0123_4567_89AB_CDEF),
        new World.WorldClockEvents.WeatherChanged(1_620, World.Weather.Storm, 0xFEDC_BA98_7654_3210),
        new World.WorldClockState(true, 1_795_000_000_000, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, World.Weather.Fog, true, 1_620),
        new Missions.MissionSchedulerEvents.TimerScheduled(OfferExpiry),
        new Missions.MissionSchedulerEvents.TimerCancelled("offer-expiry/neo/7"),
        new Missions.MissionSchedulerEvents.ScheduleSet(DailyReset),
        new Missions.MissionSchedulerEvents.ScheduleRemoved("daily-reset"),
        new Missions.MissionSchedulerEvents.Fired(["offer-expiry/neo/7", "time-limit/neo/3"], [new Missions.ScheduleOccurrence("daily-reset", 1_795_060_800_000)]),
        new Missions.MissionSchedulerState([OfferExpiry, OfferExpiry with { Id = "time-limit/neo/3", DueUnixMs = 1_795_000_900_000, Payload = "" }],
            [DailyReset, LiveEvent]),
        new PlayerEvents.CombatRoundTaken("enc-7", 3, 0, 40),
        new PlayerEvents.Reconstructed(500, 200, 1_795_000_060_000),
        new CombatEvents.EncounterBegan("duel-1", 638_000_000_000_000_000, 12.5, 0xFEDC_BA98_7654_3210, Morpheus, Agent, []),
        new CombatEvents.ActionTaken("cmd-8", Morpheus),
        new CombatEvents.RoundResolved(3, 90_000_000, ByMorpheus, ByAgent, Morpheus, Agent, 0x0123_4567_89AB_CDEF),
        new CombatEvents.EncounterEnded("duel-1", "morpheus", EncounterEndReason.Withdraw, 3),
        new EncounterState("duel-1", true, 638_000_000_000_000_000, 12.5, Morpheus, Agent, 0x0123_4567_89AB_CDEF, 3, 90_000_000, [], true,
            "morpheus", EncounterEndReason.Withdraw, ["morpheus/cmd-8"]),
        new DistrictEvents.NpcDefeated("downtown-agent-1", 1_795_000_090_000),
        new DistrictEvents.NpcRespawned("downtown-agent-1"),
        new PlayerEvents.Ignored(new PlayerId("smith")),
        new PlayerEvents.Unignored(new PlayerId("smith")),
        new InboxEvents.Added(Welcome, "op-1", [1, 2]),
        new InboxEvents.Marked([3, 5], true),
        new InboxEvents.Delivered(7),
        new InboxState(Neo, 7, 6, [Welcome, Welcome with { Seq = 6, Read = true, Sender = "trinity", Code = 12, ExpiresMs = 0 }], ["op-1"]),
        new PlayerEvents.CrewJoined("zion crew", "Zion Crew"),
        new PlayerEvents.CrewLeft("zion crew"),
        new Crews.CrewEvents.Created("Zion Crew", Neo, "Neo", 1_795_000_000_000),
        new Crews.CrewEvents.Invited(new PlayerId("trinity"), "Trinity", 1_795_000_300_000, 1_795_000_000_000),
        new Crews.CrewEvents.InviteDeclined(new PlayerId("trinity")),
        new Crews.CrewEvents.Joined(new PlayerId("trinity"), "Trinity", 1_795_000_010_000),
        new Crews.CrewEvents.Left(new PlayerId("trinity"), true),
        new Crews.CrewEvents.CaptainChanged(new PlayerId("trinity")),
        new Crews.CrewEvents.LineRecorded(7, Neo, "Neo", "Meet at the hardline", 1_795_000_020_000, "cmd-30"),
        new Crews.CrewState(new Crews.CrewId("zion crew"), "Zion Crew", true, false, "neo", 8)
        {
            Members = [CrewNeo, new Crews.CrewMember("trinity", "Trinity", 1_795_000_010_000)],
            Invites = [CrewInvite],
            Lines = [CrewLine],
        },
        new Crews.CrewMember("neo", "Neo", 1_795_000_000_000),
        new Crews.CrewInvite("morpheus", "Morpheus", 1_795_000_300_000),
        new Crews.CrewLine(7, "neo", "Neo", "Meet at the hardline", 1_795_000_020_000),
        new PlayerEvents.TeamJoined(TeamA.Value),
        new PlayerEvents.TeamLeft(TeamA.Value),
        new Teams.TeamEvents.Created(Neo, "Neo", 1_795_000_000_000),
        new Teams.TeamEvents.Invited(new PlayerId("trinity"), "Trinity", 1_795_000_060_000, 1_795_000_000_000),
        new Teams.TeamEvents.InviteDeclined(new PlayerId("trinity")),
        new Teams.TeamEvents.Joined(new PlayerId("trinity"), "Trinity", 1_795_000_010_000),
        new Teams.TeamEvents.Left(new PlayerId("trinity"), true),
        new Teams.TeamEvents.LeaderChanged(new PlayerId("trinity")),
        new Teams.TeamEvents.Disbanded(1_795_000_070_000),
        new Teams.TeamState(TeamA, true, false, "neo")
        {
            Members = [TeamNeo, new Teams.TeamMember("trinity", "Trinity", 1_795_000_010_000)],
            Invites = [new Teams.TeamInvite("morpheus", "Morpheus", 1_795_000_060_000)],
        },
        new Teams.TeamMember("neo", "Neo", 1_795_000_000_000),
        new Teams.TeamInvite("morpheus", "Morpheus", 1_795_000_060_000),
        // kept whispers, offline whispers, persisted mutes, moderation (issue 12)
        KeptWhisper,
        new Chat.ChatEvents.WhisperKept(KeptWhisper),
        new Chat.ChatEvents.WhisperDeleted("neo.0123456789ab"),
        new Chat.ChatEvents.WhispersPurged(Neo),
        new Chat.ChatEvents.OfflineWhispersSet(true),
        new Chat.ChatEvents.Muted(1_795_000_600_000, 2, "spamming", "agent"),
        new Chat.ChatEvents.Unmuted("agent"),
        new Crews.CrewEvents.LineDeleted(7),
        new Crews.CrewEvents.LinesPurged(Neo),
        ModAction,
        new Moderation.ModerationEntry(3, ModAction),
        new Moderation.ModerationEvents.Recorded(new Moderation.ModerationEntry(3, ModAction)),
        new Moderation.ModerationLogState(3, [new Moderation.ModerationEntry(3, ModAction)]),
        new Orgs.OrgEvents.LineRecorded(12, Neo, "Neo", "Zion stands", 1_795_000_040_000, "cmd-40"),
        new Orgs.OrgEvents.LineDeleted(12, "operator", 1_795_000_050_000),
        new Orgs.OrgEvents.PlayerPurged(new PlayerId("cypher"), "operator", 1_795_000_060_000),
        new Orgs.OrgState("zion", 13) { Lines = [OrgLine] },
        new Orgs.OrgLine(12, "neo", "Neo", "Zion stands", 1_795_000_040_000),
        new PlayerEvents.MissionsChanged("cmd-60", MissionSheetSample, 80),
    ];

    private static readonly Teams.TeamId TeamA = new("t0123456789abcdef0123456789abcdef");
    private static readonly Teams.TeamMember TeamNeo = new("neo", "Neo", 1_795_000_000_000);

    private static readonly Chat.KeptWhisper KeptWhisper = new(4, "neo.0123456789ab", "trinity", "Trinity", true, "Follow the white rabbit",
        1_795_000_000_000);

    private static readonly Moderation.ModerationAction ModAction = new(Moderation.ModerationKinds.Delete, "Zion Crew", Moderation.ModerationChannels.Crew,
        "7", 600, "spamming", "agent", 1_795_000_000_000);

    private static readonly Orgs.OrgLine OrgLine = new(12, "neo", "Neo", "Zion stands", 1_795_000_040_000);

    private static readonly Notification Welcome = new(7, -2, "Welcome back", "{\"text\":\"The server restarts at 03:00\"}", "", 1_795_000_000_000,
        1_795_600_000_000, true, false);

    private static readonly Missions.PendingTimer OfferExpiry = new("offer-expiry/neo/7", 1_795_000_300_000, "player", "neo", "{\"offer\":7}");
    private static readonly Missions.ScheduleEntry DailyReset = new("daily-reset", "0 4 * * *", "Europe/Paris", 0, 0, "world", "", "reset",
        1_795_000_000_000, 1_794_974_400_000);
    private static readonly Missions.ScheduleEntry LiveEvent = new("event/blue-pill", "", "", 1_795_003_600_000, 1_795_010_800_000, "world",
        "downtown", "{\"contact\":\"seraph\"}", 1_795_000_000_000, 1_795_003_600_000);

    private static readonly Crews.CrewMember CrewNeo = new("neo", "Neo", 1_795_000_000_000);
    private static readonly Crews.CrewInvite CrewInvite = new("morpheus", "Morpheus", 1_795_000_300_000);
    private static readonly Crews.CrewLine CrewLine = new(7, "neo", "Neo", "Meet at the hardline", 1_795_000_020_000);

    private static readonly FighterData Morpheus = new("morpheus", new FighterStatsData(420, 500, 150, 200, 60, 55, 52, 18), "power",
        [new EffectData("focus", CombatStats.Accuracy, 15, 120_000_000)], [new CooldownData("focus", 150_000_000)], "hyper-strike", 95_000_000,
        85_000_000, false, 0);
    private static readonly FighterData Agent = new("agent-smith", new FighterStatsData(0, 600, 0, 100, 70, 60, 48, 22), "gun",
        [new EffectData("death", CombatStats.Attack, -10, 600_000_000)], [], null, 0, null, true, 2);
    private static readonly AttackData Strike = new(37, 71, true, 4, 5, true, 88, TacticMatchup.Winning);
    private static readonly SideOutcomeData ByMorpheus = new("morpheus", "power", 5, Strike,
        new AbilityOutcomeData("hyper-strike", AbilityEffectKind.Damage, Strike with { Critical = false, Matchup = TacticMatchup.Neutral }, 0, null),
        null, 420, 150);
    private static readonly SideOutcomeData ByAgent = new("agent-smith", null, 0, null,
        new AbilityOutcomeData("focus", AbilityEffectKind.Debuff, null, 0, new EffectData("focus", CombatStats.Evasion, -15, 120_000_000)),
        new WithdrawData(40, 62, 70, 75, false), 0, 0);

    /// <summary>A character's missions with something in every list (pinned by the golden file of <c>pe.missions</c>).</summary>
    private static readonly Missions.MissionSheet MissionSheetSample = new(
        [new Missions.ActiveMissionData("zion-exile-code", 0, [2, 0], 1_795_000_000_000, 1_795_005_400_000)],
        ["zion-wake-up"],
        [new Missions.HeldItemData("code-fragment", "zion-exile-code")],
        420, 3, 170,
        [new Missions.ReputationData("zion", 25), new Missions.ReputationData("machines", -12)],
        [new Missions.MissionOfferData("zion-dock-manifest", "zion-sparks", 1_795_000_100_000)],
        1_794_974_400_000, 2);

    public static IReadOnlyList<IMxoMessage> All(IActorRef someActor) =>
    [
        .. Persisted(),
        MissionSheetSample,
        MissionSheetSample.Active[0],
        MissionSheetSample.Inventory[0],
        MissionSheetSample.Reputation[0],
        MissionSheetSample.Offers[0],
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, []) { Missions = MissionSheetSample },
        new Missions.MissionCommands.FromPlayer(Neo, Missions.MissionRequestKinds.Give, "payphone-log", "zion-tyndall", "cmd-61"),
        new Missions.MissionReplies.Frame("mission_progress", "cmd-62", [(byte)'{', (byte)'}']),
        new CombatCommands.StartEncounter("duel-1", "morpheus", Morpheus.Stats, "agent-smith", Agent.Stats, 12.5, 42, [someActor]),
        new CombatCommands.ChooseTactic("duel-1", "morpheus", "power", "cmd-8"),
        new CombatCommands.UseAbility("duel-1", "morpheus", "hyper-strike", "cmd-9"),
        new CombatCommands.Withdraw("duel-1", "agent-smith", "cmd-10"),
        new CombatCommands.GetEncounter("duel-1"),
        new CombatReplies.EncounterStarted("duel-1", "morpheus", "agent-smith"),
        new CombatReplies.Accepted("duel-1", "morpheus", "cmd-8"),
        new CombatPushes.RoundPlayed("duel-1", 3, ByMorpheus, ByAgent),
        new CombatEvents.EncounterBegan("duel-1", 638_000_000_000_000_000, 12.5, 7, Morpheus, Agent, [someActor]),
        // the fields combat added to older types, set (the golden samples above leave them unset)
        new PlayerEvents.CombatRoundTaken("enc-7", 4, 120, 40) { AtMs = 1_795_000_000_000, Ended = true },
        new CombatEvents.EncounterBegan("duel-1", 638_000_000_000_000_000, 12.5, 7, Morpheus, Agent, []) { District = "downtown", APlayer = true },
        new PlayerState(Neo, "Neo", true, 480, 190, 1000, Downtown, Here, []) { VitalsAtMs = 1_795_000_000_000, Encounter = "duel-1" },
        new DistrictState(Downtown, System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, [])
        {
            NpcRespawns = System.Collections.Immutable.ImmutableDictionary<string, long>.Empty.Add("downtown-agent-1", 1_795_000_090_000),
        },
        new EncounterState("duel-1", true, 638_000_000_000_000_000, 12.5, Morpheus, Agent, 7, 0, 0, [], false, null, EncounterEndReason.Defeat, [])
        {
            District = "downtown", APlayer = true, BPlayer = true,
        },
        new CombatCommands.StartEncounter("duel-1", "neo", Morpheus.Stats, "npc:downtown-agent-1", Agent.Stats, 12.5, 42, []) { District = "downtown", APlayer = true },
        new CombatCommands.Forfeit("duel-1", "neo"),
        new CombatReplies.RoundTaken("duel-1", "neo", 3),
        new CombatPushes.Started("duel-1", "npc:downtown-agent-1", "Agent", "agent", 3000, "cmd-11"),
        new CombatPushes.Ended("duel-1", "neo", EncounterEndReason.Defeat, 5),
        new PlayerCommands.TakeCombatRound(Neo, "duel-1", 3, 300, 150)
        {
            Played = new CombatPushes.RoundPlayed("duel-1", 3, ByMorpheus, ByAgent), Ended = true, Winner = "neo", Reason = EncounterEndReason.Defeat,
        },
        new PlayerCommands.Engage(Neo, "npc:downtown-agent-1", "cmd-11"),
        new PlayerCommands.AnswerDuel(Neo, "trinity", true, "cmd-12"),
        new DistrictCommands.Engage(Downtown, Neo, "trinity", Morpheus.Stats, someActor, "cmd-11"),
        new DistrictCommands.AnswerDuel(Downtown, Neo, "trinity", false, Morpheus.Stats, someActor, "cmd-12"),
        new DistrictCommands.FightRound(Downtown, "duel-1", 3, [new FighterSeen("neo", 300, 500), new FighterSeen("npc:downtown-agent-1", 0, 600)],
            true, "neo", EncounterEndReason.Defeat),
        new FighterSeen("neo", 300, 500),
        new SessionPushes.FightSeen(Downtown, "duel-1", 3, [new FighterSeen("neo", 300, 500)], false, null),
        new SessionPushes.DuelChallenge(new PlayerId("trinity"), "Trinity", 1_795_000_030_000),
        new SessionPushes.DuelDeclined(new PlayerId("trinity"), "timeout"),
        Trinity with { Kind = "agent" },
        // the fields chat channels added to older types, set (issue 12)
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, []) { Ignored = ["smith", "cypher"] },
        new DistrictEvents.ChatLineRecorded(Neo, "Neo", "Anyone here?", "cmd-4", 1_795_000_000_000) { Channel = "district" },
        new SessionPushes.ChatLine(Downtown, Neo, "Neo", "Anyone here?", 1_795_000_000_000) { Channel = "district" },
        new PlayerCommands.Say(Neo, "Anyone here?", "cmd-4") { Channel = "district" },
        new DistrictCommands.Say(Downtown, Neo, "Anyone here?", "cmd-4") { Channel = "district" },
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000) { Ignored = ["smith"] },
        // crews (issue 12), and the fields they added to older types
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, []) { Crew = "zion crew", CrewName = "Zion Crew" },
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000) { Crew = "zion crew", CrewName = "Zion Crew" },
        new Crews.CrewCommands.FromPlayer(Neo, Crews.CrewRequestKinds.History, "cursor", 50, "cmd-31"),
        new Crews.CrewCommands.Request(new Crews.CrewId("zion crew"), Crews.CrewRequestKinds.Invite, Neo, "Neo", "trinity", 0, "cmd-32", someActor,
            "Trinity"),
        new Crews.CrewCommands.Deliver(new PlayerId("trinity"), Crews.CrewDeliveryKinds.Line, new Crews.CrewId("zion crew"), "Zion Crew", "cmd-33",
            someActor)
        {
            Info = new Crews.CrewReplies.Info("cmd-33", new Crews.CrewId("zion crew"), "Zion Crew", "neo") { Members = [CrewNeo] },
            From = Neo, FromName = "Neo", Text = "Meet at the hardline", UnixTimeMs = 1_795_000_020_000, Captain = Neo, Seq = 7,
        },
        new Crews.CrewReplies.Info("cmd-34", new Crews.CrewId("zion crew"), "Zion Crew", "neo") { Members = [CrewNeo] },
        new Crews.CrewReplies.Info("cmd-36", new Crews.CrewId("zion crew"), "Zion Crew", "neo") { Members = [CrewNeo], Online = ["neo"] },
        new Crews.CrewReplies.History("cmd-35", new Crews.CrewId("zion crew"), "next-cursor") { Lines = [CrewLine] },
        new Crews.CrewPushes.Invited(new Crews.CrewId("zion crew"), "Zion Crew", Neo, "Neo", 1_795_000_300_000),
        new Crews.CrewPushes.Updated(new Crews.CrewId("zion crew"), Crews.CrewUpdateKinds.Kicked, new PlayerId("trinity"), "Trinity", Neo),
        new Crews.CrewPushes.Line(new Crews.CrewId("zion crew"), Neo, "Neo", "Meet at the hardline", 1_795_000_020_000),
        // teams (issue 12), and the fields they added to older types
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, []) { Team = TeamA.Value },
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000) { Team = TeamA.Value },
        new Teams.TeamCommands.FromPlayer(Neo, Teams.TeamRequestKinds.Invite, "Trinity", "cmd-41"),
        new Teams.TeamCommands.Request(TeamA, Teams.TeamRequestKinds.Invite, Neo, "Neo", "trinity", "cmd-42", someActor, "Trinity"),
        new Teams.TeamCommands.Deliver(new PlayerId("trinity"), Teams.TeamDeliveryKinds.Joined, TeamA, "cmd-43", someActor)
        {
            Info = new Teams.TeamReplies.Info("cmd-43", TeamA, "neo") { Members = [TeamNeo] },
            From = Neo, FromName = "Neo", Text = "Meet at the hardline", UnixTimeMs = 1_795_000_020_000, Leader = Neo,
        },
        new Teams.TeamReplies.Info("cmd-44", TeamA, "neo") { Members = [TeamNeo] },
        new Teams.TeamPushes.Invited(TeamA, Neo, "Neo", 1_795_000_060_000),
        new Teams.TeamPushes.Updated(TeamA, Teams.TeamUpdateKinds.Leader, new PlayerId("trinity"), "Trinity", new PlayerId("trinity")),
        new Teams.TeamPushes.Line(TeamA, Neo, "Neo", "Meet at the hardline", 1_795_000_020_000),
        // organisations and the system channel (issue 12), and the fields they added to older types
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, []) { Org = "zion" },
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000) { Org = "zion" },
        new PlayerEvents.CharacterCreated(Neo, "Neo", 500, 200, 1000) { Org = "zion" },
        new PlayerCommands.Attach(Neo, "Neo", someActor) { Org = "zion" },
        new AccountEvents.CharacterAdded(Neo, "Neo") { Org = "zion" },
        new AccountCommands.CreateCharacter(Thomas, "Neo") { Org = "zion" },
        new AccountReplies.CharacterSelected(Thomas, Neo, "Neo") { Org = "zion" },
        new AccountReplies.CharacterCreated(Thomas, NeoCharacter with { Org = "zion" }),
        new Orgs.OrgCommands.FromPlayer(Neo, Orgs.OrgRequestKinds.History, "cursor", 50, "cmd-41"),
        new Orgs.OrgCommands.Request("zion", Orgs.OrgRequestKinds.Say, Neo, "Neo", "Zion stands", 0, "cmd-42", someActor),
        new Orgs.OrgCommands.DeleteLine("zion", 12, "operator"),
        new Orgs.OrgCommands.PurgePlayer("zion", new PlayerId("cypher"), "operator"),
        new Orgs.OrgReplies.History("cmd-43", "zion", "next-cursor") { Lines = [OrgLine] },
        new Orgs.OrgReplies.Moderated("zion", 3),
        new Orgs.OrgPushes.Line("zion", Neo, "Neo", "Zion stands", 1_795_000_040_000, 12),
        new Chat.SystemChannel.Announcement("The Construct restarts at noon", 1_795_000_070_000, someActor),
        new Chat.SystemChannel.Told("akka.tcp://mxo@127.0.0.1:4053", 12),
        new Chat.ChatCommands.Whisper(Neo, "Trinity", "Follow the white rabbit", "cmd-20"),
        new Chat.ChatCommands.DeliverWhisper(new PlayerId("trinity"), Neo, "Neo", "Wake up", 1_795_000_000_000, "cmd-25", someActor) { WhisperId = "neo.0123456789ab" },
        new Chat.ChatPushes.Whispered(new PlayerId("trinity"), "Trinity", "Wake up", 1_795_000_000_000) { Id = "trinity.0123456789ab" },
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, [])
        {
            Whispers = [KeptWhisper], LastWhisperSeq = 4, OfflineWhispers = true, MutedUntilMs = 1_795_000_600_000, MuteLevel = 2,
            MuteReason = "spamming",
        },
        new Chat.WhisperCommands.History(Neo, "cursor", 50, "cmd-40"),
        new Chat.WhisperCommands.SetOfflineWhispers(Neo, true, "cmd-41"),
        new Chat.WhisperCommands.Delivered(Neo, new PlayerId("trinity"), "Trinity", "neo.0123456789ab", "Wake up", 1_795_000_000_000, "cmd-42", someActor),
        new Chat.WhisperReplies.History("cmd-40", "next-cursor") { Whispers = [KeptWhisper] },
        new Chat.WhisperReplies.Settings("cmd-41", true),
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000) { OfflineWhispers = true },
        new Moderation.ModerationCommands.Act(Moderation.ModerationRules.LogId, ModAction, "cmd-43", someActor),
        new Moderation.ModerationCommands.Read(Moderation.ModerationRules.LogId, 50),
        new Moderation.ModerationCommands.ToPlayer(Neo, ModAction, "cmd-44", someActor),
        new Moderation.ModerationCommands.ToCrew(new Crews.CrewId("zion crew"), ModAction, "cmd-45", someActor),
        new Moderation.ModerationReplies.Entries([new Moderation.ModerationEntry(3, ModAction)]),
        new Chat.ChatCommands.Reply(Neo, "Knock, knock", "cmd-21"),
        new Chat.ChatCommands.DeliverWhisper(new PlayerId("trinity"), Neo, "Neo", "Follow the white rabbit", 1_795_000_000_000, "cmd-20", someActor),
        new Chat.ChatCommands.Emote(Neo, "wave", "cmd-22"),
        new Chat.ChatCommands.DistrictEmote(Downtown, Neo, "wave", "cmd-22"),
        new Chat.ChatCommands.Ignore(Neo, "Smith", true, "cmd-23"),
        new Chat.ChatCommands.GetIgnores(Neo, "cmd-24"),
        new Chat.ChatReplies.Ignores("cmd-23", ["smith"]),
        new Chat.ChatPushes.Whispered(new PlayerId("trinity"), "Trinity", "Wake up", 1_795_000_000_000),
        new Chat.ChatPushes.Emoted(Downtown, Neo, "Neo", "bow", 1_795_000_000_000),
        new PlayerCommands.Attach(Neo, "Neo", someActor),
        new PlayerCommands.Detach(Neo, someActor),
        new PlayerCommands.EnterDistrict(Neo, Downtown, "cmd-1"),
        new PlayerCommands.Move(Neo, Here),
        new PlayerCommands.Say(Neo, "hello", "cmd-2"),
        new PlayerCommands.GetState(Neo),
        new PlayerCommands.Kick(Neo, "reuse"),
        new PlayerCommands.Kick(Neo, "spamming the square", 4003),
        new PlayerCommands.Teleport(Neo, "downtown-pearl-st", "cmd-5"),
        new PlayerCommands.JackOut(Neo, "cmd-6"),
        new PlayerCommands.Interact(Neo, "downtown-club-door", "open", "cmd-7"),
        new PlayerReplies.PositionCorrected(Here, "too_fast"),
        new PlayerReplies.HardlineUnlocked("downtown-pearl-st", "Pearl Street"),
        new PlayerReplies.JackedOut("cmd-6"),
        new DistrictCommands.Interact(Downtown, Neo, "downtown-club-door", "open", "cmd-7"),
        new DistrictCommands.GetStatus(Downtown),
        new DistrictReplies.JoinRefused(Downtown, Neo, "cmd-1", ErrorCodes.DistrictFull, "Downtown is full"),
        new DistrictReplies.Status(Downtown, 12, 100, [new ObjectStatus("downtown-club-door", "door", Here, "open")],
            new World.WorldEnvironment(new World.GameTime(151_200), World.DayPhase.Daylight, World.Weather.Overcast, 1_795_000_123_456), 500, 0.4, 1.2),
        new ObjectStatus("downtown-club-door", "door", Here, "open"),
        new SessionPushes.ObjectChanged(Downtown, new ObjectStatus("downtown-club-door", "door", Here, "open"), Neo),
        new SessionPushes.Environment(Downtown,
            new World.WorldEnvironment(new World.GameTime(151_200), World.DayPhase.Daylight, World.Weather.Overcast, 1_795_000_123_456)),
        new SessionPushes.Replaced(Neo),
        new SessionPushes.ViewUpdate(Downtown, [Trinity], [new Seen(Neo, Here)], [new PlayerId("smith")]),
        new Seen(Neo, Here),
        new SessionPushes.Revoked(Neo, "reuse"),
        new SessionPushes.Disconnect(Neo, 4008, "kept sending after rate_limited"),
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000),
        new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, Here, 500, 200, 1000)),
        new PlayerReplies.EnteredDistrict("cmd-1", Downtown, Here, [Trinity]),
        new PlayerReplies.Resynced(Downtown, Here, [Trinity]),
        new PlayerReplies.Resynced(null, Here, []),
        new PlayerCommands.Resume(Neo, "resync-1"),
        new PlayerCommands.TakeCombatRound(Neo, "enc-7", 3, 0, 40),
        new PlayerCommands.Reconstruct(Neo, null, "cmd-8"),
        new PlayerCommands.Reconstruct(Neo, "downtown-pearl-st", "cmd-9"),
        new PlayerReplies.Reconstructed("cmd-8", new PlayerReplies.EnteredDistrict("cmd-8", Downtown, Here, [Trinity]), 500, 200, 1_795_000_060_000),
        new PlayerReplies.Derezzed("enc-7", 3),
        new Replies.Acknowledged("cmd-2"),
        new Replies.Rejected("cmd-2", ErrorCodes.NotInDistrict, "enter a district first"),
        new Replies.Rejected("cmd-3", ErrorCodes.RateLimited, "too many requests", 1500),
        Trinity,
        new DistrictCommands.Join(Downtown, Neo, "Neo", Here, someActor, "cmd-1"),
        new DistrictCommands.Leave(Downtown, Neo),
        new DistrictCommands.Depart(Downtown, Neo),
        new DistrictCommands.UpdatePosition(Downtown, Neo, Here),
        new DistrictCommands.Say(Downtown, Neo, "hi", "cmd-4"),
        new DistrictCommands.GetOccupancy(Downtown),
        new DistrictReplies.Joined(Downtown, Neo, "cmd-1", [Trinity]),
        new DistrictReplies.Occupancy(Downtown, 3, [Trinity]),
        new SessionPushes.ChatLine(Downtown, Neo, "Neo", "Whoa.", 1_795_000_000_000),
        new AccountCommands.Register(Thomas, "Thomas.Anderson", "correct horse battery"),
        new AccountCommands.Login(Thomas, "correct horse battery", "203.0.113.7"),
        new AccountCommands.ChangePassword(Thomas, "correct horse battery", "staple battery horse"),
        new AccountCommands.CreateCharacter(Thomas, "Neo"),
        new AccountCommands.ListCharacters(Thomas),
        new AccountCommands.SelectCharacter(Thomas, "Neo"),
        new AccountCommands.Refresh(Thomas, Token),
        new AccountCommands.Logout(Thomas, Token),
        new AccountCommands.GrantPermission(Thomas, Permissions.GameMaster),
        new AccountCommands.RevokePermission(Thomas, Permissions.GameMaster),
        new AccountCommands.GetAccount(Thomas),
        new AccountReplies.Registered(Thomas, "Thomas.Anderson"),
        new AccountReplies.RegisterFailed(Thomas, AccountErrorCodes.NameTaken, "that user name is taken"),
        new AccountReplies.LoginSucceeded(Thomas, "Thomas.Anderson", [Permissions.Player], [NeoCharacter], Token, FamilyId, 1_797_592_000_000),
        new AccountReplies.LoginFailed(Thomas, AccountErrorCodes.AccountLocked, 60),
        new AccountReplies.PasswordChanged(Thomas, 2),
        new AccountReplies.PasswordChangeFailed(Thomas, AccountErrorCodes.InvalidCredentials, "the password is wrong", 0),
        new AccountReplies.CharacterCreated(Thomas, NeoCharacter),
        new AccountReplies.CharacterFailed(Thomas, "Neo", AccountErrorCodes.NameTaken, "that character name is taken"),
        new AccountReplies.CharacterList(Thomas, [NeoCharacter]),
        new AccountReplies.CharacterSelected(Thomas, Neo, "Neo"),
        new AccountReplies.Refreshed(Thomas, Token, FamilyId, 1_797_592_000_000, [Permissions.Player, Permissions.GameMaster]),
        new AccountReplies.RefreshFailed(Thomas, AccountErrorCodes.TokenReused, true),
        new AccountReplies.LoggedOut(Thomas, true),
        new AccountReplies.PermissionsChanged(Thomas, [Permissions.Player, Permissions.Admin]),
        new AccountReplies.AccountSummary(Thomas, true, "Thomas.Anderson", [Permissions.Player], [NeoCharacter], 1_795_000_060_000, 1, "pbkdf2-sha256", 600_000),
        new AccountReplies.Rejected(Thomas, AccountErrorCodes.Busy, "the account is busy; retry shortly"),
        new CharacterNameCommands.Claim(Neo, "Neo", Thomas),
        new CharacterNameCommands.GetOwner(Neo),
        new CharacterNameReplies.Claimed(Neo, "Neo", Thomas),
        new CharacterNameReplies.Refused(Neo, AccountErrorCodes.NameTaken),
        new CharacterNameReplies.OwnerIs(Neo, Thomas, "Neo"),
        new World.WorldClockCommands.Subscribe(someActor),
        new World.WorldClockCommands.Unsubscribe(someActor),
        World.WorldClockCommands.GetEnvironment.Instance,
        new World.WorldClockEvents.EnvironmentChanged(new World.WorldEnvironment(new World.GameTime(113_400), World.DayPhase.Sunrise, World.Weather.Rain, 1_795_000_123_456)),
        new World.WorldEnvironment(new World.GameTime(151_200), World.DayPhase.Daylight, World.Weather.Overcast, 1_795_000_123_456),
        new Missions.MissionSchedulerCommands.Schedule("offer-expiry/neo/7", 1_795_000_300_000, "player", "neo", "{\"offer\":7}"),
        new Missions.MissionSchedulerCommands.Cancel("offer-expiry/neo/7"),
        new Missions.MissionSchedulerCommands.SetRecurring("daily-reset", "0 4 * * *", "Europe/Paris", "world", "", "reset"),
        new Missions.MissionSchedulerCommands.SetWindow("event/blue-pill", 1_795_003_600_000, 1_795_010_800_000, "world", "downtown", "{}"),
        new Missions.MissionSchedulerCommands.RemoveSchedule("event/blue-pill"),
        new Missions.MissionSchedulerCommands.GetStatus(20),
        new Missions.MissionSchedulerReplies.Accepted("offer-expiry/neo/7", 1_795_000_300_000),
        new Missions.MissionSchedulerReplies.Refused("offer-expiry/neo/8", Missions.SchedulerErrorCodes.SchedulerFull, "200000 timers are pending already"),
        new Missions.MissionSchedulerReplies.Cancelled("offer-expiry/neo/7", true),
        new Missions.MissionSchedulerReplies.ScheduleSet("daily-reset", 1_795_060_800_000),
        new Missions.MissionSchedulerReplies.Status(2, 200_000, 1_795_000_300_000, [OfferExpiry], [DailyReset, LiveEvent]),
        new Missions.TimerFired("offer-expiry/neo/7", "player", "neo", "{\"offer\":7}", 1_795_000_300_000, Missions.TimerFireKind.Once),
        new Missions.PlayerTimerFired(Neo, new Missions.TimerFired("event/blue-pill", "player", "neo", "", 1_795_003_600_000, Missions.TimerFireKind.WindowOpened)),
        new Fencing.ContactPing(123_456_789),
        new Fencing.ContactPong(123_456_789),
        Welcome,
        new InboxEvents.Marked([4], false),
        new InboxCommands.Notify(Neo, -1, "Duel challenge", "{\"from\":\"trinity\"}", null, 1_795_000_030_000, false, "duel-trinity-1"),
        new InboxCommands.Subscribe(Neo, someActor),
        new InboxCommands.List(Neo, "bjF8bmVvfDc", 20, "cmd-13"),
        new InboxCommands.Mark(Neo, ["7", "6"], false, "cmd-14"),
        new InboxCommands.Mark(Neo, ["6"], true, "cmd-15"),
        new InboxCommands.GetInbox(Neo),
        new InboxReplies.Notified("op-1", Neo, "7", true, true),
        new InboxReplies.Subscribed(Neo, 2, [Welcome]),
        new InboxReplies.Page("cmd-13", [Welcome], "bjF8bmVvfDc", 1),
        new InboxPushes.Pushed(Neo, Welcome),
        .. Traced(someActor),
    ];

    /// <summary>A W3C traceparent (sampled), as a traced message carries it across nodes.</summary>
    public const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>Every traced message type with its trace context set: the field must survive the round trip.</summary>
    public static IReadOnlyList<IMxoMessage> Traced(IActorRef someActor) =>
    [
        new PlayerCommands.EnterDistrict(Neo, Downtown, "cmd-1") { TraceParent = TraceParent },
        new PlayerCommands.Say(Neo, "hello", "cmd-2") { TraceParent = TraceParent },
        new PlayerCommands.Teleport(Neo, "downtown-pearl-st", "cmd-5") { TraceParent = TraceParent },
        new PlayerCommands.JackOut(Neo, "cmd-6") { TraceParent = TraceParent },
        new PlayerCommands.Interact(Neo, "downtown-club-door", "open", "cmd-7") { TraceParent = TraceParent },
        new PlayerCommands.Reconstruct(Neo, "downtown-pearl-st", "cmd-9") { TraceParent = TraceParent },
        new DistrictCommands.Join(Downtown, Neo, "Neo", Here, someActor, "cmd-1") { TraceParent = TraceParent },
        new DistrictCommands.Leave(Downtown, Neo) { TraceParent = TraceParent },
        new DistrictCommands.Say(Downtown, Neo, "hi", "cmd-4") { TraceParent = TraceParent },
        new DistrictCommands.Interact(Downtown, Neo, "downtown-club-door", "open", "cmd-7") { TraceParent = TraceParent },
        new DistrictReplies.Joined(Downtown, Neo, "cmd-1", [Trinity]) { TraceParent = TraceParent },
    ];
}
