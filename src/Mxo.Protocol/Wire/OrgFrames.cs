using Mxo.Protocol.Orgs;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>
/// The organisation and system channels' client frames (docs/protocol.md, "Organisations" and "The system channel"):
/// <c>org_history</c>, read like <c>crew_history</c>, and <c>announce</c>, whose text is read like any chat line. Org
/// chat itself is <c>chat {"channel": "org"}</c> (<see cref="ChatFrames"/>).
/// </summary>
public static class OrgFrames
{
    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("org_history", (frame, id) => CrewFrames.HistoryFrame(frame, id, OrgRules.MaxPage,
            (cursor, limit) => new OrgRequest(id, OrgRequestKinds.History, cursor, limit))),
        new("announce", (frame, id) => WithData(frame, id, data => ChatFrames.ReadText(data, id, out var text) is { } e
            ? Fail(e) : Ok(new AnnounceRequest(id, text!)))),
    ];
}
