using System.Text.Json;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>
/// The crew feature's client frames (docs/protocol.md, "Crews"). Crew chat is <c>chat {"channel": "crew"}</c>
/// (<see cref="ChatFrames"/>). Names are checked here, at the edge: a crew name breaking the rule is
/// <c>invalid_crew_name</c>, a character name no character can have is <c>unknown_recipient</c>.
/// </summary>
public static class CrewFrames
{
    /// <summary>The longest history cursor a frame may carry (the server's are far shorter).</summary>
    public const int MaxCursorLength = 200;

    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("crew_create", (frame, id) => WithData(frame, id, data => ReadCrewName(data, id, out var name) is { } e
            ? Fail(e) : Ok(new CrewRequest(id, CrewRequestKinds.Create, name!)))),
        new("crew_invite", (frame, id) => CharacterFrame(frame, id, CrewRequestKinds.Invite)),
        new("crew_kick", (frame, id) => CharacterFrame(frame, id, CrewRequestKinds.Kick)),
        new("crew_captain", (frame, id) => CharacterFrame(frame, id, CrewRequestKinds.Captain)),
        new("crew_accept", (frame, id) => CrewFrame(frame, id, CrewRequestKinds.Accept)),
        new("crew_decline", (frame, id) => CrewFrame(frame, id, CrewRequestKinds.Decline)),
        new("crew_leave", (_, id) => Ok(new CrewRequest(id, CrewRequestKinds.Leave))),
        new("crew_info", (_, id) => Ok(new CrewRequest(id, CrewRequestKinds.Info))),
        new("crew_history", (frame, id) => HistoryFrame(frame, id, CrewRules.MaxPage,
            (cursor, limit) => new CrewRequest(id, CrewRequestKinds.History, cursor, limit))),
    ];

    /// <summary>A history frame (<c>crew_history</c>, <c>org_history</c>): optional <c>cursor</c> and <c>limit</c> (1..<paramref name="maxPage"/>).</summary>
    internal static (ClientRequest?, WireError?) HistoryFrame(JsonElement frame, string? id, int maxPage, Func<string, int, ClientRequest> make)
    {
        if (!frame.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
            return Ok(make("", maxPage));
        if (data.ValueKind != JsonValueKind.Object) return Fail(ErrorCodes.InvalidField, "'data' must be an object", id);
        var cursor = "";
        if (data.TryGetProperty("cursor", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (RequiredString(data, "cursor", id, MaxCursorLength, out var given) is { } e) return Fail(e);
            cursor = given!;
        }
        var limit = maxPage;
        if (data.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out limit) || limit < 1 || limit > maxPage)
                return Fail(ErrorCodes.InvalidField, $"'data.limit' must be a whole number from 1 to {maxPage}", id);
        }
        return Ok(make(cursor, limit));
    }

    private static (ClientRequest?, WireError?) CharacterFrame(JsonElement frame, string? id, string kind) =>
        CharacterNameFrame(frame, id, name => new CrewRequest(id, kind, name));

    private static (ClientRequest?, WireError?) CrewFrame(JsonElement frame, string? id, string kind) => WithData(frame, id, data =>
        ReadCrewName(data, id, out var name, "crew") is { } e ? Fail(e) : Ok(new CrewRequest(id, kind, name!)));

    private static WireError? ReadCrewName(JsonElement data, string? id, out string? name, string field = "name")
    {
        name = null;
        if (RequiredString(data, field, id, 64, out var given) is { } e) return e;
        if (CrewRules.ValidateName(given) is { } problem) return new WireError(CrewErrorCodes.InvalidCrewName, problem, id);
        name = given!.Trim();
        return null;
    }
}
