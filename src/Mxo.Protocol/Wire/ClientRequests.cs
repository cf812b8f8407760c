namespace Mxo.Protocol.Wire;

/// <summary>A well-formed client frame. <see cref="Id"/> is the client's request id, echoed on every reply to it.</summary>
public abstract record ClientRequest(string? Id);

/// <summary>Development stand-in identity: plays the character with this name (only on a node started with --dev).</summary>
public sealed record HelloRequest(string? Id, string Name) : ClientRequest(Id);

public sealed record EnterRequest(string? Id, DistrictId District) : ClientRequest(Id);

public sealed record MoveRequest(string? Id, Vec3 Position) : ClientRequest(Id);

/// <summary>A chat line on <see cref="Channel"/> (<c>say</c>: nearby, <c>district</c>: district-wide); the text is normalised (Chat.ChatText).</summary>
public sealed record SayRequest(string? Id, string Text, string Channel = Chat.ChatChannels.Say) : ClientRequest(Id);

/// <summary>A private line to the character named <see cref="To"/> (a character name, any case).</summary>
public sealed record WhisperRequest(string? Id, string To, string Text) : ClientRequest(Id);

/// <summary>A whisper to whoever whispered to this character last.</summary>
public sealed record ReplyRequest(string? Id, string Text) : ClientRequest(Id);

/// <summary>An emote of the fixed list (Chat.Emotes), seen within the interest radius.</summary>
public sealed record EmoteRequest(string? Id, string Name) : ClientRequest(Id);

/// <summary>Add (<see cref="Ignore"/>) or remove the character named <see cref="Name"/> to or from the ignore list.</summary>
public sealed record IgnoreRequest(string? Id, string Name, bool Ignore) : ClientRequest(Id);

/// <summary>Asks for the ignore list.</summary>
public sealed record IgnoresRequest(string? Id) : ClientRequest(Id);

public sealed record PingRequest(string? Id) : ClientRequest(Id);

public sealed record TeleportRequest(string? Id, string Hardline) : ClientRequest(Id);

public sealed record JackOutRequest(string? Id) : ClientRequest(Id);

/// <summary>Come back from derezzed at <see cref="Hardline"/>, or at the nearest unlocked hardline when null.</summary>
public sealed record ReconstructRequest(string? Id, string? Hardline) : ClientRequest(Id);

public sealed record InteractRequest(string? Id, string Object, string Action) : ClientRequest(Id);

/// <summary>Replace the session's access token before it expires (same character).</summary>
public sealed record AuthRequest(string? Id, string Token) : ClientRequest(Id)
{
    public override string ToString() => $"AuthRequest {{ Id = {Id}, Token = *** }}";
}

/// <summary>A frame that could not be accepted. Sent back as an <c>error</c> frame; the connection stays open.</summary>
public sealed record WireError(string Code, string Message, string? Id);

/// <summary>Attack an NPC (a fight starts) or challenge a player to a duel; <see cref="Target"/> is the id a view shows.</summary>
public sealed record EngageRequest(string? Id, string Target) : ClientRequest(Id);

/// <summary>Fight with this tactic from the next round.</summary>
public sealed record TacticRequest(string? Id, string Name) : ClientRequest(Id);

/// <summary>Use an ability in the current fight.</summary>
public sealed record AbilityRequest(string? Id, string Ability) : ClientRequest(Id);

/// <summary>Try to get away from the current fight each round until it succeeds.</summary>
public sealed record WithdrawRequest(string? Id) : ClientRequest(Id);

/// <summary>Answer a duel challenge from <see cref="From"/>.</summary>
public sealed record DuelAnswerRequest(string? Id, string From, bool Accept) : ClientRequest(Id);

/// <summary>
/// A crew request (<see cref="Crews.CrewRequestKinds"/>): <see cref="Arg"/> is the crew name, the character name or the
/// history cursor ("" when none); <see cref="Limit"/> the history page size.
/// </summary>
public sealed record CrewRequest(string? Id, string Kind, string Arg = "", int Limit = 0) : ClientRequest(Id);

/// <summary>An org request (<see cref="Orgs.OrgRequestKinds"/>): <see cref="Arg"/> is the text (say) or the history cursor ("" when none).</summary>
public sealed record OrgRequest(string? Id, string Kind, string Arg = "", int Limit = 0) : ClientRequest(Id);

/// <summary>An announcement on the system channel to everyone online (tokens with <c>gm</c> or <c>admin</c> only).</summary>
public sealed record AnnounceRequest(string? Id, string Text) : ClientRequest(Id);
