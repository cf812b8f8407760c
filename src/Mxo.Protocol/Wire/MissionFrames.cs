using System.Buffers;
using System.Text.Json;
using Mxo.Protocol.Missions;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>A mission request (<see cref="MissionRequestKinds"/>): <see cref="Arg"/> the target, mission, object or item; <see cref="Arg2"/> a give's target.</summary>
public sealed record MissionRequest(string? Id, string Kind, string Arg = "", string Arg2 = "") : ClientRequest(Id);

/// <summary>
/// The missions' client frames and the data of their server frames (docs/protocol.md, "Missions"). Ids are checked for
/// shape here, at the edge (lower-case letters, digits, <c>-</c> and <c>_</c>, at most 64): anything else cannot name a
/// contact, NPC, mission, object or item, and is refused before it reaches the world.
/// </summary>
public static class MissionFrames
{
    public const int MaxIdLength = 64;

    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("mission_talk", (frame, id) => IdFrame(frame, id, MissionRequestKinds.Talk, "target", Combat.CombatErrorCodes.UnknownTarget)),
        new("mission_accept", (frame, id) => IdFrame(frame, id, MissionRequestKinds.Accept, "mission", MissionErrorCodes.UnknownMission)),
        new("mission_abandon", (frame, id) => IdFrame(frame, id, MissionRequestKinds.Abandon, "mission", MissionErrorCodes.NotActive)),
        new("mission_get", (frame, id) => IdFrame(frame, id, MissionRequestKinds.Get, "object", ErrorCodes.UnknownObject)),
        new("mission_give", (frame, id) => WithData(frame, id, data =>
        {
            if (ReadId(data, id, "item", MissionErrorCodes.NotNeeded, out var item) is { } e1) return Fail(e1);
            if (ReadId(data, id, "target", Combat.CombatErrorCodes.UnknownTarget, out var target) is { } e2) return Fail(e2);
            return Ok(new MissionRequest(id, MissionRequestKinds.Give, item, target));
        })),
        new("missions", (_, id) => Ok(new MissionRequest(id, MissionRequestKinds.List))),
        new("inventory", (_, id) => Ok(new MissionRequest(id, MissionRequestKinds.Inventory))),
    ];

    private static (ClientRequest?, WireError?) IdFrame(JsonElement frame, string? id, string kind, string field, string unknownCode) =>
        WithData(frame, id, data => ReadId(data, id, field, unknownCode, out var value) is { } e
            ? Fail(e)
            : Ok(new MissionRequest(id, kind, value)));

    private static WireError? ReadId(JsonElement data, string? id, string field, string unknownCode, out string value)
    {
        value = "";
        if (RequiredString(data, field, id, MaxIdLength, out var raw) is { } e) return e;
        var trimmed = raw!.Trim().ToLowerInvariant();
        if (trimmed.Length == 0 || trimmed.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-_"))
            return new WireError(unknownCode, $"there is no {field} '{raw}'", id);
        value = trimmed;
        return null;
    }

    // ---------------------------------------------------------------- server frames' data

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    /// <summary>A frame's <c>data</c> object as UTF-8 JSON, written by <paramref name="write"/> (which writes its members).</summary>
    public static byte[] Data(Action<Utf8JsonWriter> write)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(512);
        var w = _writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        w.Reset(buffer);
        w.WriteStartObject();
        write(w);
        w.WriteEndObject();
        w.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024) (_buffer, _writer) = (null, null);
        return bytes;
    }

    /// <summary><c>mission_offers</c>: the missions offered, each acceptable until <paramref name="expiresAtMs"/>.</summary>
    public static byte[] Offers(string target, IEnumerable<MissionData> offers, long expiresAtMs) => Data(w =>
    {
        w.WriteString("target", target);
        w.WriteStartArray("offers");
        foreach (var m in offers)
        {
            w.WriteStartObject();
            w.WriteString("mission", m.Id);
            w.WriteString("title", m.Title);
            w.WriteString("contact", m.Contact.Id);
            w.WriteNumber("minLevel", m.MinLevel);
            w.WriteNumber("maxLevel", m.MaxLevel);
            w.WriteString("difficulty", m.Difficulty);
            w.WriteString("length", m.Length);
            w.WriteNumber("timeLimitMinutes", (long)m.TimeLimit.TotalMinutes);
            w.WriteNumber("phases", m.Phases.Count);
            w.WriteStartObject("rewards");
            w.WriteNumber("experience", m.Rewards.Experience);
            w.WriteNumber("info", m.Rewards.Info);
            w.WriteNumber("reputation", m.Rewards.Reputation);
            w.WriteEndObject();
            w.WriteNumber("expiresAt", expiresAtMs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary><c>mission_accepted</c>: the mission, its deadline and its first phase's objectives.</summary>
    public static byte[] Accepted(MissionWorld world, ActiveMission active) => Data(w =>
    {
        w.WriteString("mission", active.MissionId);
        w.WriteNumber("deadline", active.Deadline.ToUnixTimeMilliseconds());
        WriteObjectives(w, world, active);
    });

    /// <summary><c>missions</c>: the active missions, the completed ids, level, experience, info and reputation.</summary>
    public static byte[] Sheet(MissionWorld world, MissionState state, long info) => Data(w =>
    {
        w.WriteStartArray("active");
        foreach (var active in state.Active.Values)
        {
            if (world.Table.Mission(active.MissionId) is not { } m) continue;
            w.WriteStartObject();
            w.WriteString("mission", m.Id);
            w.WriteString("title", m.Title);
            w.WriteString("contact", m.Contact.Id);
            w.WriteNumber("phase", active.Phase);
            w.WriteNumber("phases", m.Phases.Count);
            w.WriteNumber("deadline", active.Deadline.ToUnixTimeMilliseconds());
            w.WriteBoolean("finished", active.IsFinished(m));
            WriteObjectives(w, world, active);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("completed");
        foreach (var id in state.Completed) w.WriteStringValue(id);
        w.WriteEndArray();
        w.WriteNumber("level", state.Level);
        w.WriteNumber("experience", state.Experience);
        w.WriteNumber("info", info);
        WriteReputation(w, "reputation", OrganisationIds.All.Select(o => (o, state.ReputationWith(o))));
    });

    /// <summary><c>inventory</c>: the quest items held, each for its mission, and the cap.</summary>
    public static byte[] Inventory(MissionWorld world, MissionState state) => Data(w =>
    {
        w.WriteStartArray("items");
        foreach (var item in state.Inventory)
        {
            w.WriteStartObject();
            w.WriteString("item", item.ItemId);
            w.WriteString("name", world.Table.Item(item.ItemId)?.Name ?? item.ItemId);
            w.WriteString("mission", item.MissionId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("cap", state.InventoryCap);
    });

    /// <summary>The frame type and data of one change the rules reported (a push); null for one the client is told otherwise.</summary>
    public static (string Type, byte[] Data)? Push(MissionWorld world, MissionState state, MissionChange change, long totalInfo) => change switch
    {
        ObjectiveProgressed p => (ServerFrameTypes.MissionProgress, Data(w =>
        {
            w.WriteString("mission", p.MissionId);
            w.WriteNumber("phase", p.Phase);
            w.WriteNumber("objective", p.Objective);
            w.WriteNumber("count", p.Count);
            w.WriteNumber("needed", p.Needed);
        })),
        PhaseAdvanced a when state.Active.TryGetValue(a.MissionId, out var active) => (ServerFrameTypes.MissionPhase, Data(w =>
        {
            w.WriteString("mission", a.MissionId);
            w.WriteNumber("phase", a.Phase);
            WriteObjectives(w, world, active);
        })),
        RewardsPaid r => (ServerFrameTypes.MissionCompleted, Data(w =>
        {
            w.WriteString("mission", r.MissionId);
            w.WriteNumber("experience", r.Experience);
            w.WriteNumber("info", r.Info);
            w.WriteNumber("levelBefore", r.LevelBefore);
            w.WriteNumber("level", r.LevelAfter);
            WriteReputation(w, "reputation", r.Reputation.Select(kv => (kv.Key, kv.Value)));
            w.WriteNumber("totalExperience", state.Experience);
            w.WriteNumber("totalInfo", totalInfo);
            WriteReputation(w, "standing", OrganisationIds.All.Select(o => (o, state.ReputationWith(o))));
        })),
        MissionEnded e => (ServerFrameTypes.MissionFailed, Data(w =>
        {
            w.WriteString("mission", e.MissionId);
            w.WriteString("reason", e.End == MissionEnd.Abandoned ? "abandoned" : "expired");
        })),
        ItemAdded i => (ServerFrameTypes.ItemAdded, ItemData(i.MissionId, i.ItemId)),
        ItemRemoved i => (ServerFrameTypes.ItemRemoved, ItemData(i.MissionId, i.ItemId)),
        _ => null,
    };

    private static byte[] ItemData(string mission, string item) => Data(w =>
    {
        w.WriteString("mission", mission);
        w.WriteString("item", item);
    });

    private static void WriteReputation(Utf8JsonWriter w, string name, IEnumerable<(string Organisation, int Value)> values)
    {
        w.WriteStartObject(name);
        foreach (var (organisation, value) in values) w.WriteNumber(organisation, value);
        w.WriteEndObject();
    }

    /// <summary>The current phase's objectives of <paramref name="active"/>, each with its count and where to go.</summary>
    private static void WriteObjectives(Utf8JsonWriter w, MissionWorld world, ActiveMission active)
    {
        w.WriteStartArray("objectives");
        if (world.Table.Mission(active.MissionId) is { } mission && !active.IsFinished(mission))
        {
            var phase = mission.Phases[active.Phase];
            for (var i = 0; i < phase.Count; i++)
            {
                var o = phase[i];
                w.WriteStartObject();
                w.WriteString("kind", o.Kind);
                w.WriteNumber("count", i < active.Counts.Length ? active.Counts[i] : 0);
                w.WriteNumber("needed", o.Needed);
                switch (o)
                {
                    case TalkObjective t:
                        w.WriteString("target", t.Target);
                        WritePlace(w, world.TargetAt(t.Target));
                        break;
                    case ReachObjective r:
                        w.WriteString("district", r.District.Value);
                        ServerFrames.WritePosition(w, "centre", r.Centre);
                        w.WriteNumber("radius", r.Radius);
                        break;
                    case DefeatObjective d:
                        w.WriteString("npcKind", d.NpcKind);
                        break;
                    case LootObjective l:
                        w.WriteString("item", l.Item);
                        w.WriteString("npcKind", l.FromKind);
                        break;
                    case GetObjective g:
                        w.WriteString("item", g.Item);
                        w.WriteString("object", g.FromObject);
                        WritePlace(w, world.ObjectAt(g.FromObject));
                        break;
                    case GiveObjective v:
                        w.WriteString("item", v.Item);
                        w.WriteString("target", v.Target);
                        WritePlace(w, world.TargetAt(v.Target));
                        break;
                }
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    private static void WritePlace(Utf8JsonWriter w, (DistrictId District, Vec3 Position)? place)
    {
        if (place is not { } p) return;
        w.WriteString("district", p.District.Value);
        ServerFrames.WritePosition(w, "position", p.Position);
    }
}

public static partial class ServerFrames
{
    /// <summary>A frame whose <c>data</c> object was written already (<see cref="MissionFrames.Data"/>).</summary>
    public static byte[] Raw(string type, string? id, byte[] data) => Frame(type, id, w =>
    {
        // Frame writes the data object's braces: copy the members of the pre-written object into it.
        using var doc = JsonDocument.Parse(data);
        foreach (var property in doc.RootElement.EnumerateObject()) property.WriteTo(w);
    });
}
