using System.Text.Json;
using Mxo.Protocol.Chat;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>
/// The chat feature's client frames (docs/protocol.md, "Chat"): <c>say</c>, <c>chat</c>, <c>whisper</c>, <c>reply</c>,
/// <c>emote</c>, <c>ignore</c>, <c>unignore</c>, <c>ignores</c>. Every text goes through <see cref="ChatText.Normalise"/>
/// here, at the edge: what reaches the world is the normalised text, and bad text never leaves the edge node.
/// </summary>
public static class ChatFrames
{
    /// <summary>
    /// The longest text a frame may carry before normalisation. NFC can only shorten a text by composing characters, so
    /// anything longer than this cannot be <see cref="ChatText.MaxLength"/> characters afterwards (a base letter takes
    /// at most a few marks before <see cref="ChatText.MaxCombiningMarksInARow"/> refuses it anyway).
    /// </summary>
    public const int MaxRawTextLength = ChatText.MaxLength * 4;

    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("say", (frame, id) => WithData(frame, id, data => ReadText(data, id, out var text) is { } e
            ? Fail(e) : Ok(new SayRequest(id, text!)))),
        new("chat", (frame, id) => WithData(frame, id, data =>
        {
            if (RequiredString(data, "channel", id, 32, out var channel) is { } e1) return Fail(e1);
            var known = ChatChannels.Spoken.FirstOrDefault(c => string.Equals(c, channel!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (known is null)
                return Fail(ChatErrorCodes.UnknownChannel, $"unknown channel '{channel}'; known: {string.Join(", ", ChatChannels.Spoken)}", id);
            return ReadText(data, id, out var text) is { } e2 ? Fail(e2) : Ok(new SayRequest(id, text!, known));
        })),
        new("whisper", (frame, id) => WithData(frame, id, data =>
            ReadName(data, "to", id, out var to) is { } e1 ? Fail(e1)
            : ReadText(data, id, out var text) is { } e2 ? Fail(e2)
            : Ok(new WhisperRequest(id, to!, text!)))),
        new("reply", (frame, id) => WithData(frame, id, data => ReadText(data, id, out var text) is { } e
            ? Fail(e) : Ok(new ReplyRequest(id, text!)))),
        new("emote", (frame, id) => WithData(frame, id, data =>
        {
            if (RequiredString(data, "name", id, 32, out var name) is { } e) return Fail(e);
            return Emotes.Find(name!) is { } emote
                ? Ok(new EmoteRequest(id, emote))
                : Fail(ChatErrorCodes.UnknownEmote, $"unknown emote '{name}'; known: {string.Join(", ", Emotes.All)}", id);
        })),
        new("ignore", (frame, id) => WithData(frame, id, data => ReadName(data, "name", id, out var name) is { } e
            ? Fail(e) : Ok(new IgnoreRequest(id, name!, true)))),
        new("unignore", (frame, id) => WithData(frame, id, data => ReadName(data, "name", id, out var name) is { } e
            ? Fail(e) : Ok(new IgnoreRequest(id, name!, false)))),
        new("ignores", (_, id) => Ok(new IgnoresRequest(id))),
    ];

    /// <summary>The <c>text</c> of a chat frame, normalised; or why it is refused (<see cref="ChatText.Normalise"/>).</summary>
    private static WireError? ReadText(JsonElement data, string? id, out string? text)
    {
        text = null;
        if (RequiredString(data, "text", id, MaxRawTextLength, out var raw) is { } e) return e;
        var result = ChatText.Normalise(raw);
        if (!result.Ok) return new WireError(result.Code!, result.Message!, id);
        text = result.Text;
        return null;
    }

    /// <summary>A character name: one that no character can have is <see cref="ChatErrorCodes.UnknownRecipient"/> at once.</summary>
    internal static WireError? ReadName(JsonElement data, string field, string? id, out string? name)
    {
        name = null;
        if (RequiredString(data, field, id, 64, out var given) is { } e) return e;
        if (CharacterRules.ValidateName(given) is not null)
            return new WireError(ChatErrorCodes.UnknownRecipient, $"there is no character called '{given}'", id);
        name = given!.Trim();
        return null;
    }
}
