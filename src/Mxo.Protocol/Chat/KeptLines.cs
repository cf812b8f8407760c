using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Mxo.Protocol.Chat;

/// <summary>
/// Paging of kept chat lines (crews, organisations and whispers, issue 12): newest first, at most a page at a time, with an opaque
/// cursor that names the channel it came from, so a cursor of another crew or organisation (or garbage) is refused
/// instead of paging someone else's lines.
/// </summary>
public static class KeptLines
{
    /// <summary>The most lines (or whispers) one history page holds.</summary>
    public const int MaxPage = 100;

    /// <summary>An opaque cursor: the channel (<paramref name="scope"/>) and the sequence number the next page starts below.</summary>
    public static string Cursor(string scope, long beforeSeq) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{scope}\n{beforeSeq}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The sequence number a cursor of <paramref name="scope"/> starts below; null for another channel's cursor or garbage.</summary>
    public static long? ReadCursor(string scope, string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var cut = text.LastIndexOf('\n');
            if (cut < 0 || text[..cut] != scope) return null;
            return long.TryParse(text[(cut + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary><paramref name="lines"/> with <paramref name="line"/> added last, the oldest dropped beyond <paramref name="max"/>.</summary>
    public static ImmutableList<T> Append<T>(ImmutableList<T> lines, T line, int max) =>
        (lines.Count >= max ? lines.RemoveRange(0, lines.Count - max + 1) : lines).Add(line);

    /// <summary>
    /// A page of <paramref name="lines"/> (oldest first, as kept): newest first below <paramref name="beforeSeq"/> (null:
    /// from the newest), at most <paramref name="limit"/> (clamped to 1..<paramref name="maxPage"/>), and the cursor of
    /// the next (older) page, null at the end.
    /// </summary>
    public static (T[] Lines, string? Next) Page<T>(IReadOnlyList<T> lines, Func<T, long> seqOf, string scope, long? beforeSeq, int limit, int maxPage)
    {
        limit = Math.Clamp(limit, 1, maxPage);
        var start = lines.Count - 1;
        if (beforeSeq is { } before)
            while (start >= 0 && seqOf(lines[start]) >= before) start--;
        var page = new List<T>(Math.Min(limit, start + 1));
        for (var i = start; i >= 0 && page.Count < limit; i--) page.Add(lines[i]);
        var more = start - page.Count >= 0;
        return ([.. page], more && page.Count > 0 ? Cursor(scope, seqOf(page[^1])) : null);
    }
}
