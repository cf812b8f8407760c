using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Mxo.Bots;

/// <summary>
/// <see cref="BotOptions.Teams"/>: bots form teams of three and talk in team chat, as <see cref="BotOptions.Crews"/>
/// does crews (docs/protocol.md, "Teams"). The first bot of each three by index leads: its first invite forms the team.
/// Only online characters can be invited, so a leader invites again, one chat tick on, mates that have not joined.
/// </summary>
internal sealed partial class Bot
{
    /// <summary>Whether the bot is in a team (from <c>welcome</c>, <c>team</c> and <c>team_update</c>), team lines said and heard.</summary>
    public bool InTeam { get; private set; }
    public long TeamLinesSaid { get; private set; }
    public long TeamLinesHeard { get; private set; }

    /// <summary>Team requests the receive loop decided on (accept an invite), sent by the act loop.</summary>
    private readonly ConcurrentQueue<(string Type, string Field, string Value)> _teamTodo = new();

    /// <summary>The leader's mates that joined (player ids, from <c>team</c> and <c>team_update</c>): the others are invited again.</summary>
    private readonly ConcurrentDictionary<string, byte> _teamMates = new(StringComparer.Ordinal);

    private bool LeadsTeam => _options.Teams && Index % 3 == 0;

    /// <summary>The other two of the leader's three (those of the run's names that exist).</summary>
    private IEnumerable<string> TeamMates() => _peers.Skip(Index + 1).Take(2);

    private async Task TeamSendAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        while (_teamTodo.TryDequeue(out var team))
            await SendAsync(socket, writer.Crew(team.Type, NextId(), team.Field, team.Value)).ConfigureAwait(false);
    }

    /// <summary>On each chat tick: a team line when in a team, and a leader's invites to the mates not in its team yet.</summary>
    private async Task TeamTickAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        if (!_options.Teams) return;
        if (InTeam)
        {
            var id = NextId();
            if (_unansweredSays.Count < MaxPendingSays) _unansweredSays[id] = 0;
            await SendAsync(socket, writer.Chat(id, "team", ChatDelivery.Stamp($"{Phrases[_random.Next(Phrases.Length)]} (team, from {Name})"))).ConfigureAwait(false);
            TeamLinesSaid++;
        }
        if (LeadsTeam)
            foreach (var mate in TeamMates())
                if (!_teamMates.ContainsKey(mate.ToLowerInvariant())) _teamTodo.Enqueue(("team_invite", "name", mate));
    }

    private void OnTeamWelcome(JsonElement data)
    {
        if (!_options.Teams) return;
        InTeam = Property(data, "team") is { ValueKind: JsonValueKind.Object };
        // Back in its team after a reconnect: who joined is not known here, so nobody is invited again.
        if (InTeam && LeadsTeam)
            foreach (var mate in TeamMates()) _teamMates[mate.ToLowerInvariant()] = 0;
    }

    private void OnTeamFrame(string type, JsonElement data)
    {
        switch (type)
        {
            case "team":
                InTeam = true;
                if (Property(data, "members") is { ValueKind: JsonValueKind.Array } members)
                    foreach (var member in members.EnumerateArray())
                        if (Property(member, "id") is { ValueKind: JsonValueKind.String } memberId) _teamMates[memberId.GetString()!] = 0;
                return;
            case "team_update":
                var kind = Property(data, "kind") is { ValueKind: JsonValueKind.String } k ? k.GetString() : null;
                var player = Property(data, "player") is { ValueKind: JsonValueKind.String } p ? p.GetString()! : "";
                if (kind == "joined")
                {
                    // The leader hears its first mate join: the team it formed by inviting is now one of two.
                    InTeam = true;
                    _teamMates[player] = 0;
                }
                else if (kind is "left" or "kicked") _teamMates.TryRemove(player, out _);
                if (kind == "disbanded" || (kind == "kicked" && player == (_playerId ?? Name.ToLowerInvariant())))
                {
                    InTeam = false;
                    _teamMates.Clear();
                }
                return;
            case "team_invite":
                if (_options.Teams && !InTeam && !LeadsTeam && Property(data, "team") is { ValueKind: JsonValueKind.String } team)
                {
                    _teamTodo.Enqueue(("team_accept", "team", team.GetString()!));
                    Wake();
                }
                return;
        }
    }

    private void OnTeamChat(JsonElement data)
    {
        if (Property(data, "channel") is { ValueKind: JsonValueKind.String } channel && channel.ValueEquals("team")) TeamLinesHeard++;
    }
}
