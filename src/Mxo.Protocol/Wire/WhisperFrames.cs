using System.Text.Json;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Moderation;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>A page of the character's kept whispers (<see cref="Cursor"/> "" from the newest).</summary>
public sealed record WhisperHistoryRequest(string? Id, string Cursor, int Limit) : ClientRequest(Id);

/// <summary>The character's chat settings: whether whispers reach it while offline (as notifications).</summary>
public sealed record ChatSettingsRequest(string? Id, bool OfflineWhispers) : ClientRequest(Id);

/// <summary>A moderator's action (<see cref="ModerationKinds"/>); only a session whose token has <c>gm</c> or <c>admin</c> may send one.</summary>
public sealed record ModerationRequest(string? Id, ModerationAction Action) : ClientRequest(Id);

/// <summary>
/// The frames of kept whispers, chat settings and moderation (docs/protocol.md, "Chat" and "Moderation"):
/// <c>whisper_history</c>, <c>chat_settings</c>, <c>mod_mute</c>, <c>mod_unmute</c>, <c>mod_delete</c>, <c>mod_purge</c>.
/// </summary>
public static class WhisperFrames
{
    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("whisper_history", (frame, id) => CrewFrames.HistoryFrame(frame, id, KeptLines.MaxPage,
            (cursor, limit) => new WhisperHistoryRequest(id, cursor, limit))),
        new("chat_settings", (frame, id) => WithData(frame, id, data =>
        {
            if (!data.TryGetProperty("offlineWhispers", out var o)) return Fail(ErrorCodes.MissingField, "'data.offlineWhispers' is required", id);
            return o.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? Ok(new ChatSettingsRequest(id, o.GetBoolean()))
                : Fail(ErrorCodes.InvalidField, "'data.offlineWhispers' must be true or false", id);
        })),
        new("mod_mute", (frame, id) => WithData(frame, id, data =>
        {
            if (ChatFrames.ReadName(data, "name", id, out var name) is { } e1) return Fail(e1);
            if (!data.TryGetProperty("seconds", out var s)) return Fail(ErrorCodes.MissingField, "'data.seconds' is required", id);
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var seconds) || seconds is < 1 or > ModerationRules.MaxMuteSeconds)
                return Fail(ErrorCodes.InvalidField, $"'data.seconds' must be a whole number from 1 to {ModerationRules.MaxMuteSeconds}", id);
            return ReadReason(data, id, out var reason) is { } e2 ? Fail(e2) : Ok(Request(id, ModerationKinds.Mute, name!, seconds: seconds, reason: reason!));
        })),
        new("mod_unmute", (frame, id) => WithData(frame, id, data =>
            ChatFrames.ReadName(data, "name", id, out var name) is { } e ? Fail(e)
            : ReadReason(data, id, out var reason) is { } e2 ? Fail(e2)
            : Ok(Request(id, ModerationKinds.Unmute, name!, reason: reason!)))),
        new("mod_purge", (frame, id) => WithData(frame, id, data =>
            ChatFrames.ReadName(data, "name", id, out var name) is { } e ? Fail(e)
            : ReadReason(data, id, out var reason) is { } e2 ? Fail(e2)
            : Ok(Request(id, ModerationKinds.Purge, name!, reason: reason!)))),
        new("mod_delete", (frame, id) => WithData(frame, id, data =>
        {
            if (RequiredString(data, "channel", id, 32, out var channel) is { } e1) return Fail(e1);
            if (!ModerationChannels.All.Contains(channel!))
                return Fail(ChatErrorCodes.UnknownChannel, $"'{channel}' keeps no messages; kept channels: {string.Join(", ", ModerationChannels.All)}", id);
            string? owner;
            if (channel == ModerationChannels.Crew)
            {
                if (RequiredString(data, "crew", id, 64, out owner) is { } e2) return Fail(e2);
                if (Crews.CrewRules.ValidateName(owner) is { } problem) return Fail(Crews.CrewErrorCodes.InvalidCrewName, problem, id);
            }
            else if (channel == ModerationChannels.Org)
            {
                if (RequiredString(data, "org", id, 32, out owner) is { } e2) return Fail(e2);
                owner = Orgs.Organisations.Find(owner);
                if (owner is null)
                    return Fail(ErrorCodes.InvalidField, $"'data.org' must be one of {string.Join(", ", Orgs.Organisations.All)}", id);
            }
            else if (ChatFrames.ReadName(data, "name", id, out owner) is { } e3) return Fail(e3);
            if (RequiredString(data, "id", id, 64, out var messageId) is { } e4) return Fail(e4);
            if (ReadReason(data, id, out var reason) is { } e5) return Fail(e5);
            return Ok(Request(id, ModerationKinds.Delete, owner!.Trim(), channel!, messageId!, reason: reason!));
        })),
    ];

    private static ModerationRequest Request(string? id, string kind, string target, string channel = "", string messageId = "", long seconds = 0,
        string reason = "") => new(id, new ModerationAction(kind, target, channel, messageId, seconds, reason, "", 0));

    /// <summary>An optional reason: at most <see cref="ModerationRules.MaxReasonLength"/> characters of chat text.</summary>
    private static WireError? ReadReason(JsonElement data, string? id, out string? reason)
    {
        reason = "";
        if (!data.TryGetProperty("reason", out var r) || r.ValueKind == JsonValueKind.Null) return null;
        if (RequiredString(data, "reason", id, ModerationRules.MaxReasonLength, out var given) is { } e) return e;
        var normalised = ChatText.Normalise(given);
        if (!normalised.Ok) return new WireError(normalised.Code!, "'data.reason': " + normalised.Message, id);
        reason = normalised.Text;
        return null;
    }
}
