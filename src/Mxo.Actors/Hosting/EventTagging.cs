using System.Collections.Frozen;
using System.Collections.Immutable;
using Akka.Persistence.Hosting;
using Akka.Persistence.Journal;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Moderation;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Orgs;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;
using Mxo.Protocol.World;

namespace Mxo.Actors.Hosting;

/// <summary>
/// The tags persisted events carry, for Akka.Persistence.Query's <c>EventsByTag</c> / <c>CurrentEventsByTag</c>
/// (docs/configuration.md, "Tags"). Every event gets the tag of the entity it belongs to; some also a tag of its kind.
/// </summary>
public static class EventTags
{
    // by entity
    public const string Player = "player";
    public const string District = "district";
    public const string Account = "account";
    public const string CharacterName = "charactername";
    public const string WorldClock = "worldclock";
    public const string Combat = "combat";
    public const string Inbox = "inbox";
    public const string Crew = "crew";
    public const string Team = "team";
    public const string Moderation = "moderation";
    public const string Org = "org";
    public const string MissionScheduler = "missionscheduler";

    // by kind
    /// <summary>A player's <see cref="PlayerEvents.EnteredDistrict"/> (entering, teleporting, walking over an edge).</summary>
    public const string EnteredDistrict = "entered-district";

    /// <summary>A district's <see cref="DistrictEvents.ChatLineRecorded"/>.</summary>
    public const string Chat = "chat";

    /// <summary>
    /// <see cref="AccountEvents.RefreshTokenIssued"/>: written exactly once per successful password login (a refresh
    /// writes <see cref="AccountEvents.RefreshTokenRotated"/> instead), see <c>AccountEntity.OnLoginChecked</c>.
    /// </summary>
    public const string Login = "login";

    /// <summary>The entity tags: each persisted event carries exactly one of these.</summary>
    public static readonly ImmutableHashSet<string> Entities = [Player, District, Account, CharacterName, WorldClock, Combat, Inbox, Crew, Team, Moderation, Org, MissionScheduler];
}

/// <summary>
/// The one table event type → tags, and the write event adapter that applies it. Tagging wraps the event in
/// <see cref="Tagged"/> on its way to the journal only: the payload, its manifest and its bytes stay the same
/// (<c>MxoSerializer</c>), and replay hands the entities their events as before.
/// </summary>
public static class EventTagging
{
    /// <summary>Name of the adapter in the journal's <c>event-adapters</c> configuration.</summary>
    public const string AdapterName = "mxo-tags";

    /// <summary>
    /// Every persisted event type with its tags. A new <see cref="IMxoEvent"/> needs an entry here (a test in
    /// tests/Mxo.Actors.Tests/EventTaggingTests.cs fails otherwise); without one it is journaled untagged.
    /// </summary>
    public static readonly FrozenDictionary<Type, ImmutableHashSet<string>> Table = new Dictionary<Type, ImmutableHashSet<string>>
    {
        [typeof(PlayerEvents.CharacterCreated)] = [EventTags.Player],
        [typeof(PlayerEvents.EnteredDistrict)] = [EventTags.Player, EventTags.EnteredDistrict],
        [typeof(PlayerEvents.HardlineUnlocked)] = [EventTags.Player],
        [typeof(PlayerEvents.PositionCheckpointed)] = [EventTags.Player],
        [typeof(PlayerEvents.CombatRoundTaken)] = [EventTags.Player],
        [typeof(PlayerEvents.Reconstructed)] = [EventTags.Player],
        [typeof(PlayerEvents.Ignored)] = [EventTags.Player],
        [typeof(PlayerEvents.Unignored)] = [EventTags.Player],
        [typeof(PlayerEvents.CrewJoined)] = [EventTags.Player],
        [typeof(PlayerEvents.CrewLeft)] = [EventTags.Player],
        [typeof(PlayerEvents.TeamJoined)] = [EventTags.Player],
        [typeof(PlayerEvents.MissionsChanged)] = [EventTags.Player],
        [typeof(PlayerEvents.TeamLeft)] = [EventTags.Player],
        [typeof(ChatEvents.WhisperKept)] = [EventTags.Player],
        [typeof(ChatEvents.WhisperDeleted)] = [EventTags.Player],
        [typeof(ChatEvents.WhispersPurged)] = [EventTags.Player],
        [typeof(ChatEvents.OfflineWhispersSet)] = [EventTags.Player],
        [typeof(ChatEvents.Muted)] = [EventTags.Player],
        [typeof(ChatEvents.Unmuted)] = [EventTags.Player],

        [typeof(CrewEvents.Created)] = [EventTags.Crew],
        [typeof(CrewEvents.Invited)] = [EventTags.Crew],
        [typeof(CrewEvents.InviteDeclined)] = [EventTags.Crew],
        [typeof(CrewEvents.Joined)] = [EventTags.Crew],
        [typeof(CrewEvents.Left)] = [EventTags.Crew],
        [typeof(CrewEvents.CaptainChanged)] = [EventTags.Crew],
        [typeof(CrewEvents.LineRecorded)] = [EventTags.Crew],
        [typeof(CrewEvents.LineDeleted)] = [EventTags.Crew],
        [typeof(CrewEvents.LinesPurged)] = [EventTags.Crew],

        [typeof(ModerationEvents.Recorded)] = [EventTags.Moderation],

        [typeof(TeamEvents.Created)] = [EventTags.Team],
        [typeof(TeamEvents.Invited)] = [EventTags.Team],
        [typeof(TeamEvents.InviteDeclined)] = [EventTags.Team],
        [typeof(TeamEvents.Joined)] = [EventTags.Team],
        [typeof(TeamEvents.Left)] = [EventTags.Team],
        [typeof(TeamEvents.LeaderChanged)] = [EventTags.Team],
        [typeof(TeamEvents.Disbanded)] = [EventTags.Team],

        [typeof(OrgEvents.LineRecorded)] = [EventTags.Org],
        [typeof(OrgEvents.LineDeleted)] = [EventTags.Org],
        [typeof(OrgEvents.PlayerPurged)] = [EventTags.Org],

        [typeof(DistrictEvents.PlayerEntered)] = [EventTags.District],
        [typeof(DistrictEvents.PlayerLeft)] = [EventTags.District],
        [typeof(DistrictEvents.ChatLineRecorded)] = [EventTags.District, EventTags.Chat],
        [typeof(DistrictEvents.ObjectInteracted)] = [EventTags.District],
        [typeof(DistrictEvents.NpcDefeated)] = [EventTags.District],
        [typeof(DistrictEvents.NpcRespawned)] = [EventTags.District],

        [typeof(AccountEvents.AccountRegistered)] = [EventTags.Account],
        [typeof(AccountEvents.PasswordChanged)] = [EventTags.Account],
        [typeof(AccountEvents.PasswordRehashed)] = [EventTags.Account],
        [typeof(AccountEvents.AccountLocked)] = [EventTags.Account],
        [typeof(AccountEvents.CharacterAdded)] = [EventTags.Account],
        [typeof(AccountEvents.RefreshTokenIssued)] = [EventTags.Account, EventTags.Login],
        [typeof(AccountEvents.RefreshTokenRotated)] = [EventTags.Account],
        [typeof(AccountEvents.RefreshFamilyRevoked)] = [EventTags.Account],
        [typeof(AccountEvents.PermissionGranted)] = [EventTags.Account],
        [typeof(AccountEvents.PermissionRevoked)] = [EventTags.Account],

        [typeof(CharacterNameEvents.Claimed)] = [EventTags.CharacterName],

        [typeof(WorldClockEvents.ClockStarted)] = [EventTags.WorldClock],
        [typeof(WorldClockEvents.WeatherChanged)] = [EventTags.WorldClock],

        [typeof(MissionSchedulerEvents.TimerScheduled)] = [EventTags.MissionScheduler],
        [typeof(MissionSchedulerEvents.TimerCancelled)] = [EventTags.MissionScheduler],
        [typeof(MissionSchedulerEvents.ScheduleSet)] = [EventTags.MissionScheduler],
        [typeof(MissionSchedulerEvents.ScheduleRemoved)] = [EventTags.MissionScheduler],
        [typeof(MissionSchedulerEvents.Fired)] = [EventTags.MissionScheduler],

        [typeof(CombatEvents.EncounterBegan)] = [EventTags.Combat],
        [typeof(CombatEvents.ActionTaken)] = [EventTags.Combat],
        [typeof(CombatEvents.RoundResolved)] = [EventTags.Combat],
        [typeof(CombatEvents.EncounterEnded)] = [EventTags.Combat],

        [typeof(InboxEvents.Added)] = [EventTags.Inbox],
        [typeof(InboxEvents.Marked)] = [EventTags.Inbox],
        [typeof(InboxEvents.Delivered)] = [EventTags.Inbox],
    }.ToFrozenDictionary();

    /// <summary>The tags of <paramref name="eventType"/>; empty when the table has no entry.</summary>
    public static ImmutableHashSet<string> TagsOf(Type eventType) =>
        Table.TryGetValue(eventType, out var tags) ? tags : [];

    /// <summary>Binds <see cref="EventTagger"/> to every <see cref="IMxoEvent"/> this journal writes.</summary>
    public static AkkaPersistenceJournalBuilder AddEventTagging(this AkkaPersistenceJournalBuilder journal) =>
        journal.AddWriteEventAdapter<EventTagger>(AdapterName, [typeof(IMxoEvent)]);
}

/// <summary>Wraps each persisted event in <see cref="Tagged"/> with its tags from <see cref="EventTagging.Table"/>.</summary>
public sealed class EventTagger : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) =>
        EventTagging.TagsOf(evt.GetType()) is { Count: > 0 } tags ? new Tagged(evt, tags) : evt;
}
