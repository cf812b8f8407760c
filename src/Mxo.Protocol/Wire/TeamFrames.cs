using System.Text.Json;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>
/// A team request (<see cref="TeamRequestKinds"/>): <see cref="Arg"/> is the team id or the character name ("" when none).
/// </summary>
public sealed record TeamRequest(string? Id, string Kind, string Arg = "") : ClientRequest(Id);

/// <summary>
/// The team feature's client frames (docs/protocol.md, "Teams"). Team chat is <c>chat {"channel": "team"}</c>
/// (<see cref="ChatFrames"/>). Checked here, at the edge: a character name no character can have is
/// <c>unknown_recipient</c>, a team id the server cannot have made is <c>no_such_invite</c> (so garbage never starts a
/// team entity).
/// </summary>
public static class TeamFrames
{
    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("team_invite", (frame, id) => CharacterFrame(frame, id, TeamRequestKinds.Invite)),
        new("team_kick", (frame, id) => CharacterFrame(frame, id, TeamRequestKinds.Kick)),
        new("team_leader", (frame, id) => CharacterFrame(frame, id, TeamRequestKinds.Leader)),
        new("team_accept", (frame, id) => TeamFrame(frame, id, TeamRequestKinds.Accept)),
        new("team_decline", (frame, id) => TeamFrame(frame, id, TeamRequestKinds.Decline)),
        new("team_leave", (_, id) => Ok(new TeamRequest(id, TeamRequestKinds.Leave))),
        new("team_info", (_, id) => Ok(new TeamRequest(id, TeamRequestKinds.Info))),
    ];

    private static (ClientRequest?, WireError?) CharacterFrame(JsonElement frame, string? id, string kind) =>
        CharacterNameFrame(frame, id, name => new TeamRequest(id, kind, name));

    private static (ClientRequest?, WireError?) TeamFrame(JsonElement frame, string? id, string kind) => WithData(frame, id, data =>
    {
        if (RequiredString(data, "team", id, 64, out var team) is { } e) return Fail(e);
        var trimmed = team!.Trim().ToLowerInvariant();
        return TeamId.IsWellFormed(trimmed)
            ? Ok(new TeamRequest(id, kind, trimmed))
            : Fail(TeamErrorCodes.NoSuchInvite, $"there is no team '{team}'", id);
    });
}

public static partial class ServerFrames
{
    /// <summary>The team: reply to <c>team_accept</c> and <c>team_info</c>.</summary>
    public static byte[] Team(string? id, TeamReplies.Info t) => Frame(ServerFrameTypes.Team, id, w =>
    {
        w.WriteString("team", t.TeamId.Value);
        w.WriteString("leader", t.Leader);
        WriteMembers(w, t.Members.Select(m => (m.PlayerId, m.Name, m.JoinedAtMs)));
    });

    public static byte[] TeamInvite(TeamPushes.Invited i) => Frame(ServerFrameTypes.TeamInvite, null, w =>
    {
        w.WriteString("team", i.TeamId.Value);
        w.WriteString("from", i.From.Value);
        w.WriteString("fromName", i.FromName);
        w.WriteNumber("expires", i.ExpiresAtMs);
    });

    public static byte[] TeamUpdate(TeamPushes.Updated u) => Frame(ServerFrameTypes.TeamUpdate, null, w =>
    {
        w.WriteString("team", u.TeamId.Value);
        w.WriteString("kind", u.Kind);
        w.WriteString("player", u.Player.Value);
        w.WriteString("name", u.Name);
        if (u.Leader.Value is { Length: > 0 } leader) w.WriteString("leader", leader); else w.WriteNull("leader");
    });

    public static byte[] TeamChat(TeamPushes.Line p) => Frame(ServerFrameTypes.Chat, null, w =>
    {
        w.WriteString("team", p.TeamId.Value);
        w.WriteString("from", p.From.Value);
        w.WriteString("name", p.Name);
        w.WriteString("text", p.Text);
        w.WriteNumber("at", p.UnixTimeMs);
        w.WriteString("channel", ChatChannels.Team);
    });

    /// <summary>A group's <c>members</c> (crew or team): id, name and when each joined, in the order given.</summary>
    private static void WriteMembers(Utf8JsonWriter w, IEnumerable<(string Id, string Name, long JoinedAtMs)> members)
    {
        w.WriteStartArray("members");
        foreach (var (memberId, name, joined) in members)
        {
            w.WriteStartObject();
            w.WriteString("id", memberId);
            w.WriteString("name", name);
            w.WriteNumber("joined", joined);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The welcome's <c>team</c>: <c>{"id"}</c>, or null in no team.</summary>
    private static void WriteTeam(Utf8JsonWriter w, string? team)
    {
        if (team is null)
        {
            w.WriteNull("team");
            return;
        }
        w.WriteStartObject("team");
        w.WriteString("id", team);
        w.WriteEndObject();
    }
}
