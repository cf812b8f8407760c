namespace Mxo.Protocol.Chat;

/// <summary>
/// Why a chat request is refused: the error frame's <c>code</c>. Stable: clients match on them. Every one is documented
/// in docs/protocol.md (<c>ProtocolDocsTests</c> checks this class as it checks <see cref="ErrorCodes"/>).
/// </summary>
public static class ChatErrorCodes
{
    /// <summary>Chat text with nothing visible in it after normalisation (empty, or only spaces).</summary>
    public const string EmptyText = "empty_text";

    /// <summary>Chat text holding a refused character: a control character, a bidirectional control, an invisible format character, …</summary>
    public const string InvalidText = "invalid_text";

    /// <summary><c>chat</c> naming a channel that is not <c>say</c> or <c>district</c>.</summary>
    public const string UnknownChannel = "unknown_channel";

    /// <summary><c>whisper</c> to a name no character has ever played with (or that is not a valid character name).</summary>
    public const string UnknownRecipient = "unknown_recipient";

    /// <summary><c>whisper</c> or <c>reply</c> to a character that exists but has no session attached.</summary>
    public const string NotOnline = "not_online";

    /// <summary><c>reply</c> before anyone whispered to this character in this session of its entity.</summary>
    public const string NoReplyTarget = "no_reply_target";

    /// <summary><c>whisper</c> or <c>ignore</c> naming the character itself.</summary>
    public const string SelfTarget = "self_target";

    /// <summary>The sender kept going after <c>rate_limited</c> on a chat channel and may not chat for a while.</summary>
    public const string Muted = "muted";

    /// <summary><c>emote</c> naming no emote of the fixed list.</summary>
    public const string UnknownEmote = "unknown_emote";

    /// <summary><c>ignore</c> with the ignore list already at its cap.</summary>
    public const string IgnoreListFull = "ignore_list_full";
}
