using Mxo.Protocol.Chat;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>The one rule for chat text (issue 12): NFC, trimmed, at most 500 characters, something visible, nothing refused.</summary>
public sealed class ChatTextTests
{
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("  padded\u00a0 ", "padded")]
    [InlineData("cafe\u0301", "caf\u00e9")]           // composed (NFC)
    [InlineData("\u212b", "\u00c5")]                 // the angstrom sign is its canonical equivalent
    [InlineData("\ud83d\udc4b wave", "\ud83d\udc4b wave")]
    public void Accepted_text_is_normalised_and_trimmed(string raw, string expected)
    {
        var result = ChatText.Normalise(raw);
        Assert.True(result.Ok, result.Message);
        Assert.Equal(expected, result.Text);
    }

    [Theory]
    [InlineData("", ChatErrorCodes.EmptyText)]
    [InlineData("   ", ChatErrorCodes.EmptyText)]
    [InlineData("\u3000\t", ChatErrorCodes.EmptyText)]      // a tab at the end is trimmed away, the ideographic space too
    [InlineData("a\tb", ChatErrorCodes.InvalidText)]
    [InlineData("a\nb", ChatErrorCodes.InvalidText)]
    [InlineData("\u202egnp.exe", ChatErrorCodes.InvalidText)] // right-to-left override
    [InlineData("a\u202ab", ChatErrorCodes.InvalidText)]
    [InlineData("a\u2067b\u2069", ChatErrorCodes.InvalidText)]
    [InlineData("a\u200fb", ChatErrorCodes.InvalidText)]       // right-to-left mark
    [InlineData("a\u061cb", ChatErrorCodes.InvalidText)]       // Arabic letter mark
    [InlineData("a\u200bb", ChatErrorCodes.InvalidText)]       // zero-width space
    [InlineData("\ufeffhi", ChatErrorCodes.InvalidText)]       // BOM
    [InlineData("\ue000", ChatErrorCodes.InvalidText)]         // private use
    public void Refused_text_gets_a_code_and_nothing_is_stripped(string raw, string code)
    {
        var result = ChatText.Normalise(raw);
        Assert.False(result.Ok);
        Assert.Null(result.Text);
        Assert.Equal(code, result.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public void A_lone_surrogate_is_refused() =>
        Assert.Equal(ChatErrorCodes.InvalidText, ChatText.Normalise("a" + (char)0xD800 + "b").Code);

    [Fact]
    public void The_limit_counts_the_normalised_text()
    {
        Assert.True(ChatText.Normalise(new string('a', 500)).Ok);
        Assert.Equal(ErrorCodes.TextTooLong, ChatText.Normalise(new string('a', 501)).Code);
        // 500 letters with a combining accent each are 1,000 characters typed and 500 once composed.
        Assert.True(ChatText.Normalise(string.Concat(Enumerable.Repeat("e\u0301", 500))).Ok);
        // Spaces around do not count.
        Assert.True(ChatText.Normalise("  " + new string('a', 500) + "  ").Ok);
    }

    [Fact]
    public void Emotes_are_a_fixed_list_matched_without_case()
    {
        Assert.Equal("wave", Emotes.Find(" Wave "));
        Assert.Null(Emotes.Find("moonwalk"));
        Assert.All(Emotes.All, e => Assert.Equal(e, Emotes.Find(e)));
    }
}
