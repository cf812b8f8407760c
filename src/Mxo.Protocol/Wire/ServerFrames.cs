using System.Buffers;
using System.Text.Json;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Protocol.Wire;

/// <summary>
/// Builds server frames (<c>{"type","v","id"?,"data"}</c>) as UTF-8 with <see cref="Utf8JsonWriter"/>: no reflection,
/// one buffer per frame. Property names are camelCase and documented in docs/protocol.md.
/// </summary>
/// <summary>The <c>type</c> of every server frame (docs/protocol.md "Server → client"; a test keeps the two in step).</summary>
public static class ServerFrameTypes
{
    public const string Ack = "ack";
    public const string Chat = "chat";
    public const string CombatEnded = "combat_ended";
    public const string CombatStarted = "combat_started";
    public const string DuelChallenge = "duel_challenge";
    public const string DuelDeclined = "duel_declined";
    public const string Fight = "fight";
    public const string Round = "round";
    public const string Derezzed = "derezzed";
    public const string Entered = "entered";
    public const string Environment = "environment";
    public const string Error = "error";
    public const string HardlineUnlocked = "hardline_unlocked";
    public const string JackedOut = "jacked_out";
    public const string Notification = "notification";
    public const string Notifications = "notifications";
    public const string ObjectChanged = "object_changed";
    public const string Pong = "pong";
    public const string PositionCorrected = "position_corrected";
    public const string Reconstructed = "reconstructed";
    public const string Resynced = "resynced";
    public const string View = "view";
    public const string Welcome = "welcome";
    public const string Whisper = "whisper";
    public const string Emote = "emote";
    public const string Ignores = "ignores";
    public const string Crew = "crew";
    public const string CrewHistory = "crew_history";
    public const string OrgHistory = "org_history";
    public const string CrewInvite = "crew_invite";
    public const string CrewUpdate = "crew_update";
    public const string Team = "team";
    public const string TeamInvite = "team_invite";
    public const string TeamUpdate = "team_update";
    public const string WhisperHistory = "whisper_history";
    public const string ChatSettings = "chat_settings";
    public const string MissionOffers = "mission_offers";
    public const string MissionAccepted = "mission_accepted";
    public const string Missions = "missions";
    public const string Inventory = "inventory";
    public const string MissionProgress = "mission_progress";
    public const string MissionPhase = "mission_phase";
    public const string MissionCompleted = "mission_completed";
    public const string MissionFailed = "mission_failed";
    public const string ItemAdded = "item_added";
    public const string ItemRemoved = "item_removed";
}

public static partial class ServerFrames
{
    /// <param name="extra">Fields the session's features add after <c>player</c> (the notifications feature: <c>unreadNotifications</c>).</param>
    public static byte[] Welcome(string? id, PlayerReplies.CharacterSheet c, Action<Utf8JsonWriter>? extra = null) => Frame(ServerFrameTypes.Welcome, id, w =>
    {
        w.WriteStartObject("player");
        w.WriteString("id", c.PlayerId.Value);
        w.WriteString("name", c.Name);
        if (c.District is { } d) w.WriteString("district", d.Value); else w.WriteNull("district");
        WritePosition(w, "position", c.Position);
        w.WriteNumber("health", c.Health);
        w.WriteNumber("innerStrength", c.InnerStrength);
        w.WriteNumber("info", c.Info);
        w.WriteEndObject();
        WriteIgnores(w, c.Ignored);
        if (c.Crew is { } crew)
        {
            w.WriteStartObject("crew");
            w.WriteString("id", crew);
            w.WriteString("name", c.CrewName ?? crew);
            w.WriteEndObject();
        }
        else w.WriteNull("crew");
        WriteTeam(w, c.Team);
        w.WriteBoolean("offlineWhispers", c.OfflineWhispers);
        if (c.Org is { } org) w.WriteString("org", org); else w.WriteNull("org");
        extra?.Invoke(w);
    });

    public static byte[] Crew(string? id, Crews.CrewReplies.Info c) => Frame(ServerFrameTypes.Crew, id, w =>
    {
        w.WriteString("crew", c.CrewId.Value);
        w.WriteString("name", c.Name);
        w.WriteString("captain", c.Captain);
        WriteMembers(w, c.Members.Select(m => (m.PlayerId, m.Name, m.JoinedAtMs)), c.Online.Contains);
    });

    public static byte[] CrewHistory(string? id, Crews.CrewReplies.History h) => Frame(ServerFrameTypes.CrewHistory, id, w =>
    {
        w.WriteString("crew", h.CrewId.Value);
        w.WriteStartArray("lines");
        foreach (var l in h.Lines)
        {
            w.WriteStartObject();
            w.WriteString("id", l.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("from", l.PlayerId);
            w.WriteString("name", l.Name);
            w.WriteString("text", l.Text);
            w.WriteNumber("at", l.UnixTimeMs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (h.Next is { } next) w.WriteString("next", next); else w.WriteNull("next");
    });

    /// <summary>One line of a history page (<c>crew_history</c>, <c>org_history</c>, which also gives its id <c>seq</c>).</summary>
    private static void WriteKeptLine(Utf8JsonWriter w, long? seq, string from, string name, string text, long at)
    {
        w.WriteStartObject();
        if (seq is { } id) w.WriteNumber("seq", id);
        w.WriteString("from", from);
        w.WriteString("name", name);
        w.WriteString("text", text);
        w.WriteNumber("at", at);
        w.WriteEndObject();
    }

    public static byte[] CrewInvite(Crews.CrewPushes.Invited i) => Frame(ServerFrameTypes.CrewInvite, null, w =>
    {
        w.WriteString("crew", i.CrewId.Value);
        w.WriteString("name", i.CrewName);
        w.WriteString("from", i.From.Value);
        w.WriteString("fromName", i.FromName);
        w.WriteNumber("expires", i.ExpiresAtMs);
    });

    public static byte[] CrewUpdate(Crews.CrewPushes.Updated u) => Frame(ServerFrameTypes.CrewUpdate, null, w =>
    {
        w.WriteString("crew", u.CrewId.Value);
        w.WriteString("kind", u.Kind);
        w.WriteString("player", u.Player.Value);
        w.WriteString("name", u.Name);
        if (u.Captain.Value is { Length: > 0 } captain) w.WriteString("captain", captain); else w.WriteNull("captain");
    });

    public static byte[] CrewChat(Crews.CrewPushes.Line p) => Frame(ServerFrameTypes.Chat, null, w =>
    {
        w.WriteString("crew", p.CrewId.Value);
        w.WriteString("from", p.From.Value);
        w.WriteString("name", p.Name);
        w.WriteString("text", p.Text);
        w.WriteNumber("at", p.UnixTimeMs);
        w.WriteString("channel", Mxo.Protocol.Chat.ChatChannels.Crew);
    });

    /// <summary>A page of kept whispers, newest first: reply to <c>whisper_history</c>.</summary>
    public static byte[] WhisperHistory(string? id, Mxo.Protocol.Chat.WhisperReplies.History h) => Frame(ServerFrameTypes.WhisperHistory, id, w =>
    {
        w.WriteStartArray("whispers");
        foreach (var k in h.Whispers)
        {
            w.WriteStartObject();
            w.WriteString("id", k.Id);
            w.WriteString("direction", k.Outgoing ? "sent" : "received");
            w.WriteString("with", k.Other);
            w.WriteString("name", k.OtherName);
            w.WriteString("text", k.Text);
            w.WriteNumber("at", k.UnixTimeMs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (h.Next is { } next) w.WriteString("next", next); else w.WriteNull("next");
    });

    public static byte[] OrgHistory(string? id, Orgs.OrgReplies.History h) => Frame(ServerFrameTypes.OrgHistory, id, w =>
    {
        w.WriteString("org", h.Org);
        w.WriteStartArray("lines");
        foreach (var l in h.Lines) WriteKeptLine(w, l.Seq, l.PlayerId, l.Name, l.Text, l.UnixTimeMs);
        w.WriteEndArray();
        if (h.Next is { } next) w.WriteString("next", next); else w.WriteNull("next");
    });

    /// <summary>The character's chat settings: reply to <c>chat_settings</c>.</summary>
    public static byte[] ChatSettings(string? id, Mxo.Protocol.Chat.WhisperReplies.Settings s) =>
        Frame(ServerFrameTypes.ChatSettings, id, w => w.WriteBoolean("offlineWhispers", s.OfflineWhispers));

    public static byte[] OrgChat(Orgs.OrgPushes.Line p) => Frame(ServerFrameTypes.Chat, null, w =>
    {
        w.WriteString("org", p.Org);
        w.WriteString("from", p.From.Value);
        w.WriteString("name", p.Name);
        w.WriteString("text", p.Text);
        w.WriteNumber("at", p.UnixTimeMs);
        w.WriteNumber("seq", p.Seq);
        w.WriteString("channel", Mxo.Protocol.Chat.ChatChannels.Org);
    });

    /// <summary>An operator's announcement: <c>chat</c> on channel <c>system</c>, from <c>system</c>.</summary>
    public static byte[] SystemChat(Mxo.Protocol.Chat.SystemChannel.Announcement a) => Frame(ServerFrameTypes.Chat, null, w =>
    {
        w.WriteString("from", Mxo.Protocol.Chat.SystemChannel.Speaker);
        w.WriteString("name", Mxo.Protocol.Chat.SystemChannel.SpeakerName);
        w.WriteString("text", a.Text);
        w.WriteNumber("at", a.UnixTimeMs);
        w.WriteString("channel", Mxo.Protocol.Chat.ChatChannels.System);
    });

    /// <summary>The ignore list: reply to <c>ignore</c>, <c>unignore</c> and <c>ignores</c>.</summary>
    public static byte[] Ignores(string? id, IReadOnlyList<string> players) => Frame(ServerFrameTypes.Ignores, id, w => WriteIgnores(w, players));

    private static void WriteIgnores(Utf8JsonWriter w, IReadOnlyList<string> players)
    {
        w.WriteStartArray("ignores");
        foreach (var player in players) w.WriteStringValue(player);
        w.WriteEndArray();
    }

    public static byte[] Whisper(Mxo.Protocol.Chat.ChatPushes.Whispered p) => Frame(ServerFrameTypes.Whisper, null, w =>
    {
        w.WriteString("id", p.Id);
        w.WriteString("from", p.From.Value);
        w.WriteString("name", p.Name);
        w.WriteString("text", p.Text);
        w.WriteNumber("at", p.UnixTimeMs);
    });

    public static byte[] Emote(Mxo.Protocol.Chat.ChatPushes.Emoted p) => Frame(ServerFrameTypes.Emote, null, w =>
    {
        w.WriteString("district", p.District.Value);
        w.WriteString("from", p.From.Value);
        w.WriteString("name", p.Name);
        w.WriteString("emote", p.Emote);
        w.WriteNumber("at", p.UnixTimeMs);
    });

    public static byte[] Entered(string? id, PlayerReplies.EnteredDistrict e) => Frame(ServerFrameTypes.Entered, id, w => WriteArrival(w, e));

    /// <summary>Where a character arrived and who is in view there: <c>entered</c>, and the start of <c>reconstructed</c>.</summary>
    private static void WriteArrival(Utf8JsonWriter w, PlayerReplies.EnteredDistrict e)
    {
        w.WriteString("district", e.District.Value);
        WritePosition(w, "position", e.Position);
        w.WriteStartArray("occupants");
        foreach (var o in e.Occupants) WriteOccupant(w, o);
        w.WriteEndArray();
    }

    public static byte[] Reconstructed(string? id, PlayerReplies.Reconstructed r) => Frame(ServerFrameTypes.Reconstructed, id, w =>
    {
        WriteArrival(w, r.Entered);
        w.WriteNumber("health", r.Health);
        w.WriteNumber("innerStrength", r.InnerStrength);
        w.WriteNumber("deathEffectUntil", r.DeathEffectUntilMs);
    });

    public static byte[] Derezzed(PlayerReplies.Derezzed d) => Frame(ServerFrameTypes.Derezzed, null, w =>
    {
        w.WriteString("encounter", d.EncounterId);
        w.WriteNumber("round", d.Round);
    });

    public static byte[] CombatStarted(string? id, Combat.CombatPushes.Started s) => Frame(ServerFrameTypes.CombatStarted, id, w =>
    {
        w.WriteString("encounter", s.EncounterId);
        w.WriteStartObject("opponent");
        w.WriteString("id", s.Opponent);
        w.WriteString("name", s.OpponentName);
        if (s.OpponentKind is { } kind) w.WriteString("kind", kind);
        w.WriteEndObject();
        w.WriteNumber("roundMs", s.RoundMs);
    });

    public static byte[] Round(Combat.CombatPushes.RoundPlayed r) => Frame(ServerFrameTypes.Round, null, w =>
    {
        w.WriteString("encounter", r.EncounterId);
        w.WriteNumber("round", r.Round);
        w.WriteStartArray("sides");
        WriteSide(w, r.ByA);
        WriteSide(w, r.ByB);
        w.WriteEndArray();
    });

    private static void WriteSide(Utf8JsonWriter w, Combat.SideOutcomeData side)
    {
        w.WriteStartObject();
        w.WriteString("fighter", side.FighterId);
        if (side.Tactic is { } tactic) w.WriteString("tactic", tactic);
        if (side.Attack is { } attack) WriteAttack(w, "attack", attack);
        if (side.Ability is { } ability)
        {
            w.WriteStartObject("ability");
            w.WriteString("id", ability.AbilityId);
            w.WriteString("kind", ability.Kind switch { Combat.AbilityEffectKind.Damage => "damage", Combat.AbilityEffectKind.Heal => "heal", Combat.AbilityEffectKind.Buff => "buff", _ => "debuff" });
            if (ability.Attack is { } hit) WriteAttack(w, "attack", hit);
            if (ability.Healed > 0) w.WriteNumber("healed", ability.Healed);
            w.WriteEndObject();
        }
        if (side.Withdraw is { } withdraw)
        {
            w.WriteStartObject("withdraw");
            w.WriteBoolean("succeeded", withdraw.Succeeded);
            w.WriteEndObject();
        }
        w.WriteNumber("innerStrengthSpent", side.InnerStrengthSpent);
        w.WriteNumber("health", side.HealthAfter);
        w.WriteNumber("innerStrength", side.InnerStrengthAfter);
        w.WriteEndObject();
    }

    private static void WriteAttack(Utf8JsonWriter w, string name, Combat.AttackData attack)
    {
        w.WriteStartObject(name);
        w.WriteBoolean("hit", attack.Hit);
        w.WriteNumber("damage", attack.Damage);
        w.WriteBoolean("critical", attack.Critical);
        w.WriteNumber("roll", attack.Roll);
        w.WriteNumber("chance", attack.HitChance);
        w.WriteString("matchup", attack.Matchup switch { Combat.TacticMatchup.Winning => "winning", Combat.TacticMatchup.Losing => "losing", _ => "neutral" });
        w.WriteEndObject();
    }

    public static byte[] CombatEnded(Combat.CombatPushes.Ended e) => Frame(ServerFrameTypes.CombatEnded, null, w =>
    {
        w.WriteString("encounter", e.EncounterId);
        if (e.Winner is { } winner) w.WriteString("winner", winner); else w.WriteNull("winner");
        w.WriteString("reason", EndReasonName(e.Reason));
        w.WriteNumber("round", e.Round);
    });

    /// <summary>The wire name of why a fight ended (docs/protocol.md, <c>combat_ended</c>).</summary>
    public static string EndReasonName(Combat.EncounterEndReason reason) => reason switch
    {
        Combat.EncounterEndReason.Withdraw => "withdraw",
        Combat.EncounterEndReason.Forfeit => "forfeit",
        _ => "defeat",
    };

    public static byte[] Fight(SessionPushes.FightSeen f) => Frame(ServerFrameTypes.Fight, null, w =>
    {
        w.WriteString("district", f.District.Value);
        w.WriteString("encounter", f.EncounterId);
        w.WriteNumber("round", f.Round);
        w.WriteStartArray("fighters");
        foreach (var fighter in f.Fighters)
        {
            w.WriteStartObject();
            w.WriteString("id", fighter.Id);
            w.WriteNumber("health", fighter.Health);
            w.WriteNumber("maxHealth", fighter.MaxHealth);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("ended", f.Ended);
        if (f.Ended)
        {
            if (f.Winner is { } winner) w.WriteString("winner", winner); else w.WriteNull("winner");
        }
    });

    public static byte[] DuelChallenge(SessionPushes.DuelChallenge c) => Frame(ServerFrameTypes.DuelChallenge, null, w =>
    {
        w.WriteString("from", c.From.Value);
        w.WriteString("name", c.Name);
        w.WriteNumber("expiresAt", c.ExpiresAtMs);
    });

    public static byte[] DuelDeclined(SessionPushes.DuelDeclined d) => Frame(ServerFrameTypes.DuelDeclined, null, w =>
    {
        w.WriteString("by", d.By.Value);
        w.WriteString("reason", d.Reason);
    });

    public static byte[] Resynced(PlayerReplies.Resynced r) => Frame(ServerFrameTypes.Resynced, null, w =>
    {
        if (r.District is { } district) w.WriteString("district", district.Value);
        else w.WriteNull("district");
        WritePosition(w, "position", r.Position);
        w.WriteStartArray("occupants");
        foreach (var o in r.Occupants) WriteOccupant(w, o);
        w.WriteEndArray();
    });

    public static byte[] Chat(SessionPushes.ChatLine p) => Frame(ServerFrameTypes.Chat, null, w =>
    {
        w.WriteString("district", p.District.Value);
        w.WriteString("from", p.PlayerId.Value);
        w.WriteString("name", p.Name);
        w.WriteString("text", p.Text);
        w.WriteNumber("at", p.UnixTimeMs);
        w.WriteString("channel", p.Channel ?? Mxo.Protocol.Chat.ChatChannels.Say);
    });

    public static byte[] View(SessionPushes.ViewUpdate v) => Frame(ServerFrameTypes.View, null, w =>
    {
        w.WriteString("district", v.District.Value);
        w.WriteStartArray("left");
        foreach (var id in v.Left) w.WriteStringValue(id.Value);
        w.WriteEndArray();
        w.WriteStartArray("entered");
        foreach (var o in v.Entered) WriteOccupant(w, o);
        w.WriteEndArray();
        w.WriteStartArray("moved");
        foreach (var m in v.Moved) w.WriteRawValue(MovedEntry(m), skipInputValidation: true);
        w.WriteEndArray();
    });

    /// <summary>
    /// Each thread's last encoding of each mover's <c>moved</c> entry (<c>{"id","position"}</c>), for as long as the mover
    /// stays at that position. In a crowd every one of a mover's viewers gets the same entry in the same tick, and
    /// formatting its three numbers was the largest part of building a view (docs/benchmarks.md, "Views encoded
    /// once"); with this a mover is encoded about once per thread per tick instead of once per viewer.
    /// </summary>
    [ThreadStatic] private static Dictionary<PlayerId, EncodedEntry>? _movedEntries;
    [ThreadStatic] private static ArrayBufferWriter<byte>? _entryBuffer;
    [ThreadStatic] private static Utf8JsonWriter? _entryWriter;

    /// <summary>A thread's cache of moved entries is emptied when it holds more movers than this (bounded memory).</summary>
    private const int MaxCachedMovers = 8_192;

    private sealed class EncodedEntry(Vec3 position, byte[] json)
    {
        public Vec3 Position = position;
        public byte[] Json = json;
    }

    private static ReadOnlySpan<byte> MovedEntry(Seen m)
    {
        var cache = _movedEntries ??= new Dictionary<PlayerId, EncodedEntry>();
        if (cache.TryGetValue(m.PlayerId, out var cached) && cached.Position.Equals(m.Position)) return cached.Json;

        var buffer = _entryBuffer ??= new ArrayBufferWriter<byte>(128);
        var w = _entryWriter ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("id", m.PlayerId.Value);
        WritePosition(w, "position", m.Position);
        w.WriteEndObject();
        w.Flush();
        var json = buffer.WrittenSpan.ToArray();
        if (cached is not null)
        {
            cached.Position = m.Position;
            cached.Json = json;
        }
        else
        {
            if (cache.Count >= MaxCachedMovers) cache.Clear();
            cache[m.PlayerId] = new EncodedEntry(m.Position, json);
        }
        return json;
    }

    public static byte[] PositionCorrected(PlayerReplies.PositionCorrected c) => Frame(ServerFrameTypes.PositionCorrected, null, w =>
    {
        WritePosition(w, "position", c.Position);
        w.WriteString("reason", c.Reason);
    });

    public static byte[] HardlineUnlocked(PlayerReplies.HardlineUnlocked h) => Frame(ServerFrameTypes.HardlineUnlocked, null, w =>
    {
        w.WriteString("hardline", h.Hardline);
        w.WriteString("name", h.Name);
    });

    public static byte[] JackedOut(string? id) => Frame(ServerFrameTypes.JackedOut, id, _ => { });

    public static byte[] ObjectChanged(SessionPushes.ObjectChanged o) => Frame(ServerFrameTypes.ObjectChanged, null, w =>
    {
        w.WriteString("district", o.District.Value);
        WriteObject(w, "object", o.Object);
        w.WriteString("by", o.By.Value);
    });

    public static byte[] Environment(SessionPushes.Environment e) => Frame(ServerFrameTypes.Environment, null, w =>
    {
        w.WriteString("district", e.District.Value);
        WriteEnvironment(w, e.Current);
    });

    public static void WriteEnvironment(Utf8JsonWriter w, World.WorldEnvironment e)
    {
        w.WriteNumber("gameSeconds", e.Time.TotalSeconds);
        w.WriteString("timeOfDay", $"{e.Time.TotalSeconds / 3600 % 24:00}:{e.Time.TotalSeconds / 60 % 60:00}");
        w.WriteString("phase", e.Phase.ToString().ToLowerInvariant());
        w.WriteString("weather", e.Weather.ToString().ToLowerInvariant());
    }

    public static void WriteObject(Utf8JsonWriter w, string name, ObjectStatus o)
    {
        w.WritePropertyName(name);
        WriteObject(w, o);
    }

    /// <summary>A world object as an array element or value: id, kind, state, position.</summary>
    public static void WriteObject(Utf8JsonWriter w, ObjectStatus o)
    {
        w.WriteStartObject();
        w.WriteString("id", o.Id);
        w.WriteString("kind", o.Kind);
        w.WriteString("state", o.State);
        WritePosition(w, "position", o.Position);
        w.WriteEndObject();
    }

    public static byte[] Ack(string? id) => Frame(ServerFrameTypes.Ack, id, _ => { });

    public static byte[] Pong(string? id) => Frame(ServerFrameTypes.Pong, id, _ => { });

    public static byte[] Error(string code, string message, string? id) => Error(code, message, id, 0, 0);

    /// <param name="retryAfterMs">With <c>rate_limited</c>: how long until the request would be taken (omitted when 0).</param>
    /// <param name="suppressed">Error frames not sent since the previous one because errors came too fast (omitted when 0).</param>
    public static byte[] Error(string code, string message, string? id, long retryAfterMs, int suppressed) => Frame(ServerFrameTypes.Error, id, w =>
    {
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (retryAfterMs > 0) w.WriteNumber("retryAfterMs", retryAfterMs);
        if (suppressed > 0) w.WriteNumber("suppressed", suppressed);
    });

    public static byte[] Error(WireError e) => Error(e.Code, e.Message, e.Id);

    private static void WriteOccupant(Utf8JsonWriter w, Occupant o)
    {
        w.WriteStartObject();
        w.WriteString("id", o.PlayerId.Value);
        w.WriteString("name", o.Name);
        if (o.Kind is { } kind) w.WriteString("kind", kind);
        WritePosition(w, "position", o.Position);
        w.WriteEndObject();
    }

    public static void WritePosition(Utf8JsonWriter w, string name, Vec3 p)
    {
        w.WriteStartObject(name);
        w.WriteNumber("x", p.X);
        w.WriteNumber("y", p.Y);
        w.WriteNumber("z", p.Z);
        w.WriteEndObject();
    }

    /// <summary>One buffer and writer per thread, reused by every frame built on it: a frame then allocates only its
    /// own bytes, not a writer and a buffer grown step by step (a crowd's views are thousands of frames a second).</summary>
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    /// <summary>A buffer that grew past this (one huge frame) is not kept for the thread's next frames.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    private static byte[] Frame(string type, string? id, Action<Utf8JsonWriter> data)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        var w = _writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        w.Reset(buffer);
        try
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("v", WireProtocol.Version);
            if (id is not null) w.WriteString("id", id);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > KeptBufferBytes) (_buffer, _writer) = (null, null);
        }
    }
}
