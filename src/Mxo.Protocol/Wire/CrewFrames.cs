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
        new("crew_history", (frame, id) =>
        {
            var (cursor, limit, error) = WhisperFrames.ReadPage(frame, id);
            return error is not null ? Fail(error) : Ok(new CrewRequest(id, CrewRequestKinds.History, cursor, limit));
        }),
    ];

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
