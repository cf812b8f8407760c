using Mxo.Actors.World;
using Mxo.Actors.Limits;

namespace Mxo.Actors;

/// <summary>Tuning of the world entities. Bound from the <c>Mxo:World</c> configuration section (docs/configuration.md).</summary>
public sealed record WorldSettings : ICheckedSettings
{
    /// <summary>A moving player's position is persisted at most this often (docs/architecture.md, decision 8).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Entities snapshot their state every this many persisted events.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>A player with no session passivates after this long.</summary>
    public TimeSpan PlayerIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a player waits for a district to admit it before the client hears "timeout".</summary>
    public TimeSpan EnterTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Shards per entity type; fixed for the life of a cluster.</summary>
    public int MaxShards { get; init; } = 100;

    /// <summary>How often an active district sends view updates (the seed's 20 Hz). An empty district does not tick.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Players see others within this many units (ground plane); nothing about anyone farther.</summary>
    public double InterestRadius { get; init; } = 100;

    /// <summary>
    /// At most this many players are in one player's view: the nearest within <see cref="InterestRadius"/> (ties by
    /// player id). Bounds every <c>view</c> and <c>entered</c> frame however many players stand together.
    /// </summary>
    public int ViewCap { get; init; } = InterestManager.DefaultViewCap;

    /// <summary>Overrides every district's capacity from the world data file when set.</summary>
    public int? DistrictCapacity { get; init; }

    /// <summary>
    /// Group commit: how many commands a district holds while its journal write is in flight (decided ones waiting for
    /// the next write, and held ones). Beyond it a say, interact or enter is refused at once with <c>busy</c>.
    /// </summary>
    public int DistrictWriteQueue { get; init; } = 1000;

    /// <summary>Server-side speed limit in units per second (the seed's anti-cheat).</summary>
    public double MaxSpeed { get; init; } = 20;

    /// <summary>Network jitter a legitimate client may show without ever being corrected.</summary>
    public TimeSpan MovementJitter { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Jack-out takes this long and is cancelled by movement.</summary>
    public TimeSpan JackOutDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Walking within this many units of a hardline unlocks it for teleporting.</summary>
    public double HardlineUnlockRadius { get; init; } = 15;

    /// <summary>How close a player must be to a world object to use it.</summary>
    public double InteractionReach { get; init; } = 10;

    /// <summary>Per character: <c>say</c> lines (each one is journaled and broadcast).</summary>
    public RateLimit SayRate { get; init; } = new(2, 5);

    /// <summary>Per character: <c>interact</c> requests (doors, terminals).</summary>
    public RateLimit InteractRate { get; init; } = new(2, 5);

    /// <summary>Per character: <c>enter</c>, <c>teleport</c> and <c>jack_out</c> requests together.</summary>
    public RateLimit TravelRate { get; init; } = new(1, 5);

    /// <summary>
    /// A character whose requests are refused with <c>rate_limited</c> this many times within <see cref="StrikeWindow"/>
    /// has its socket closed (4008).
    /// </summary>
    public int MaxRateLimitStrikes { get; init; } = 20;

    /// <summary>
    /// A character that sends this many refused (too fast) moves within <see cref="StrikeWindow"/> has its socket
    /// closed (4009). A legitimate client is corrected at most a few times in a row and then follows the correction.
    /// </summary>
    public int MaxRefusedMoves { get; init; } = 100;

    /// <summary>The window in which rate-limit strikes and refused moves are counted (and refused moves logged once).</summary>
    public TimeSpan StrikeWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Per character, on top of <see cref="SayRate"/>: nearby chat (<c>say</c>) and emotes. Default 5 lines per 10 s.</summary>
    public RateLimit ChatSayRate { get; init; } = new(0.5, 5);

    /// <summary>Per character, on top of <see cref="SayRate"/>: <c>whisper</c> and <c>reply</c> together. Default 5 lines per 10 s.</summary>
    public RateLimit ChatWhisperRate { get; init; } = new(0.5, 5);

    /// <summary>Per character, on top of <see cref="SayRate"/>: crew chat. Default 5 lines per 10 s.</summary>
    public RateLimit ChatCrewRate { get; init; } = new(0.5, 5);

    /// <summary>A crew's pending invites at most (<c>too_many_invites</c> beyond); expired ones do not count.</summary>
    public int CrewMaxInvites { get; init; } = 20;

    /// <summary>How long a crew invite may be accepted.</summary>
    public TimeSpan CrewInviteTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a crew entity without commands stays in memory before it passivates.</summary>
    public TimeSpan CrewIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Per character, on top of <see cref="SayRate"/>: team chat. Default 5 lines per 10 s.</summary>
    public RateLimit ChatTeamRate { get; init; } = new(0.5, 5);

    /// <summary>A team's members at most (<c>team_full</c> beyond): 2 to <see cref="Protocol.Teams.TeamRules.MaxMembers"/>.</summary>
    public int TeamMaxMembers { get; init; } = Protocol.Teams.TeamRules.MaxMembers;

    /// <summary>How long a team invite may be accepted.</summary>
    public TimeSpan TeamInviteTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a team entity without commands stays in memory before it passivates.</summary>
    public TimeSpan TeamIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Per character, on top of <see cref="SayRate"/>: district-wide chat. Default 1 line per 10 s.</summary>
    public RateLimit ChatDistrictRate { get; init; } = new(0.1, 1);

    /// <summary>
    /// A character refused on a chat channel this many times within <see cref="ChatMuteWindow"/>, each time before the
    /// wait it was told had passed, is muted (<c>muted</c>) for <see cref="ChatMuteFirst"/>, then each further time
    /// <see cref="ChatMuteFactor"/> times longer, at most <see cref="ChatMuteLongest"/>.
    /// </summary>
    public int ChatMuteStrikes { get; init; } = 3;

    public TimeSpan ChatMuteWindow { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ChatMuteFirst { get; init; } = TimeSpan.FromSeconds(10);

    public double ChatMuteFactor { get; init; } = 6;

    public TimeSpan ChatMuteLongest { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A character not muted for this long since its last mute ended starts again at <see cref="ChatMuteFirst"/>.</summary>
    public TimeSpan ChatMuteForgiveAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The most characters one character may ignore (<c>ignore_list_full</c> beyond).</summary>
    public int MaxIgnored { get; init; } = 100;

    /// <summary>The mute rule built from the <c>ChatMute*</c> settings.</summary>
    public MuteRule ChatMute => new(ChatMuteStrikes, ChatMuteWindow, ChatMuteFirst, ChatMuteFactor, ChatMuteLongest, ChatMuteForgiveAfter);

    public IReadOnlyList<string> Problems() => new ProblemList("Mxo:World")
        .Require(CheckpointInterval > TimeSpan.Zero, "CheckpointInterval must be positive")
        .Require(SnapshotEvery >= 1, "SnapshotEvery must be at least 1")
        .Require(PlayerIdleTimeout > TimeSpan.Zero, "PlayerIdleTimeout must be positive")
        .Require(EnterTimeout > TimeSpan.Zero, "EnterTimeout must be positive")
        .Require(MaxShards >= 1, "MaxShards must be at least 1")
        .Require(TickInterval > TimeSpan.Zero, "TickInterval must be positive")
        .Require(InterestRadius >= 1, "InterestRadius must be at least 1")
        .Require(ViewCap >= 1, "ViewCap must be at least 1")
        .Require(DistrictCapacity is null or >= 1, "DistrictCapacity must be at least 1 when set")
        .Require(DistrictWriteQueue >= 1, "DistrictWriteQueue must be at least 1")
        .Require(MaxSpeed > 0 && double.IsFinite(MaxSpeed), "MaxSpeed must be positive")
        .Require(MovementJitter >= TimeSpan.Zero, "MovementJitter must not be negative")
        .Require(JackOutDuration > TimeSpan.Zero, "JackOutDuration must be positive")
        .Require(HardlineUnlockRadius >= 0, "HardlineUnlockRadius must not be negative")
        .Require(InteractionReach > 0, "InteractionReach must be positive")
        .AddRange(SayRate.Problems("Mxo:World:SayRate"))
        .AddRange(InteractRate.Problems("Mxo:World:InteractRate"))
        .AddRange(TravelRate.Problems("Mxo:World:TravelRate"))
        .AddRange(ChatSayRate.Problems("Mxo:World:ChatSayRate"))
        .AddRange(ChatWhisperRate.Problems("Mxo:World:ChatWhisperRate"))
        .AddRange(ChatDistrictRate.Problems("Mxo:World:ChatDistrictRate"))
        .AddRange(ChatCrewRate.Problems("Mxo:World:ChatCrewRate"))
        .Require(CrewMaxInvites >= 1, "CrewMaxInvites must be at least 1")
        .Require(CrewInviteTtl > TimeSpan.Zero, "CrewInviteTtl must be positive")
        .Require(CrewIdleTimeout > TimeSpan.Zero, "CrewIdleTimeout must be positive")
        .AddRange(ChatTeamRate.Problems("Mxo:World:ChatTeamRate"))
        .Require(TeamMaxMembers is >= 2 and <= Protocol.Teams.TeamRules.MaxMembers, $"TeamMaxMembers must be 2-{Protocol.Teams.TeamRules.MaxMembers}")
        .Require(TeamInviteTtl > TimeSpan.Zero, "TeamInviteTtl must be positive")
        .Require(TeamIdleTimeout > TimeSpan.Zero, "TeamIdleTimeout must be positive")
        .Require(ChatMuteStrikes >= 1, "ChatMuteStrikes must be at least 1")
        .Require(ChatMuteWindow > TimeSpan.Zero, "ChatMuteWindow must be positive")
        .Require(ChatMuteFirst > TimeSpan.Zero, "ChatMuteFirst must be positive")
        .Require(ChatMuteFactor >= 1 && double.IsFinite(ChatMuteFactor), "ChatMuteFactor must be at least 1")
        .Require(ChatMuteLongest >= ChatMuteFirst, "ChatMuteLongest must be at least ChatMuteFirst")
        .Require(ChatMuteForgiveAfter >= TimeSpan.Zero, "ChatMuteForgiveAfter must not be negative")
        .Require(MaxIgnored >= 0, "MaxIgnored must not be negative")
        .Require(MaxRateLimitStrikes >= 1, "MaxRateLimitStrikes must be at least 1")
        .Require(MaxRefusedMoves >= 1, "MaxRefusedMoves must be at least 1")
        .Require(StrikeWindow > TimeSpan.Zero, "StrikeWindow must be positive")
        .ToList();
}
