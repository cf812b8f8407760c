using System.Text.Json;

namespace Mxo.Protocol;

/// <summary>
/// What the world's data files (<c>world/districts.json</c>, <c>world/combat.json</c>) share when they are read: the
/// file's text within a size bound, and a JSON error described with the file's own words for its types. Each file's
/// loader supplies its exception type, so an operator reads which file and which problem.
/// </summary>
public static class DataFile
{
    /// <summary>
    /// The text of the file at <paramref name="path"/> (made absolute in <paramref name="full"/>); a missing, too large
    /// or unreadable file is <paramref name="fail"/>'s exception, with <paramref name="what"/> naming the file's kind.
    /// </summary>
    public static string Read(string path, string what, long maxBytes, Func<string, Exception?, Exception> fail, out string full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists) throw fail($"{what} '{full}' not found", null);
            if (info.Length > maxBytes) throw fail($"{what} '{full}' is larger than {maxBytes} bytes", null);
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw fail($"{what} '{full}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// A JSON error as an operator should read it: the file's names for its types instead of the code's, and where in
    /// the file.
    /// </summary>
    public static string Describe(JsonException e, IEnumerable<(Type Type, string Name)> typeNames)
    {
        var message = e.Message;
        foreach (var (type, name) in typeNames)
            message = message.Replace(type.FullName!, name, StringComparison.Ordinal);
        if (!message.Contains("Path:", StringComparison.Ordinal) && e.Path is not null)
            message += $" Path: {e.Path} | LineNumber: {e.LineNumber} | BytePositionInLine: {e.BytePositionInLine}.";
        return message;
    }
}
