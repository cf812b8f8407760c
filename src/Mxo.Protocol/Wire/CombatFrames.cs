using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>The combat feature's client frames: engage, tactic, ability, withdraw, duel answers (docs/protocol.md, "Combat").</summary>
public static class CombatFrames
{
    /// <summary>The longest target, tactic or ability id a frame may carry (the tables' ids are far shorter).</summary>
    public const int MaxIdLength = 64;

    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("engage", (frame, id) => WithData(frame, id, data => RequiredString(data, "target", id, MaxIdLength, out var target) is { } e
            ? Fail(e) : Ok(new EngageRequest(id, target!.Trim())))),
        new("tactic", (frame, id) => WithData(frame, id, data => RequiredString(data, "name", id, MaxIdLength, out var name) is { } e
            ? Fail(e) : Ok(new TacticRequest(id, name!.Trim())))),
        new("ability", (frame, id) => WithData(frame, id, data => RequiredString(data, "id", id, MaxIdLength, out var ability) is { } e
            ? Fail(e) : Ok(new AbilityRequest(id, ability!.Trim())))),
        new("withdraw", (_, id) => Ok(new WithdrawRequest(id))),
        new("duel_accept", (frame, id) => WithData(frame, id, data => RequiredString(data, "from", id, MaxIdLength, out var from) is { } e
            ? Fail(e) : Ok(new DuelAnswerRequest(id, from!.Trim(), true)))),
        new("duel_decline", (frame, id) => WithData(frame, id, data => RequiredString(data, "from", id, MaxIdLength, out var from) is { } e
            ? Fail(e) : Ok(new DuelAnswerRequest(id, from!.Trim(), false)))),
    ];
}
