using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;

namespace Mxo.Protocol;

/// <summary>
/// What the world's data files (<c>world/districts.json</c>, <c>world/combat.json</c>, <c>world/npcs.json</c>,
/// <c>world/missions.json</c>) share when they are read: the file's text within a size bound, its JSON read into the
/// file's shape, a JSON error described with the file's own words for its types, and the message that lists a file's
/// problems. Each file's loader supplies its exception type, so an operator reads which file and which problem.
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

    /// <summary>
    /// The JSON <paramref name="json"/> read into the file's shape; empty text, JSON <c>null</c> and JSON the shape
    /// refuses are <paramref name="fail"/>'s exception, with <paramref name="where"/> naming the file and the JSON error
    /// worded by <see cref="Describe"/>.
    /// </summary>
    public static T Deserialize<T>(string json, JsonTypeInfo<T> shape, string where, IEnumerable<(Type Type, string Name)> typeNames,
        Func<string, Exception?, Exception> fail) where T : class
    {
        if (string.IsNullOrWhiteSpace(json)) throw fail($"{where} is empty", null);
        T? file;
        try
        {
            file = JsonSerializer.Deserialize(json, shape);
        }
        catch (JsonException e)
        {
            throw fail($"{where} is not valid: {Describe(e, typeNames)}", e);
        }
        return file ?? throw fail($"{where} is empty (null)", null);
    }

    /// <summary>The message of a file that breaks rules: <paramref name="prefix"/> ("… is invalid"), then every problem.</summary>
    public static string ProblemsMessage(string prefix, IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"{prefix}: {problems[0]}"
            : $"{prefix} ({problems.Count} problems): {string.Join("; ", problems)}";
}

/// <summary>
/// How every data file is read, one set of options for all: members in camel case; unknown members refused, so a misspelt
/// field is an error rather than silently zero; required members and non-nullable ones refused when missing or null;
/// no comments, trailing commas or duplicate members; named literals ("NaN", "Infinity") read, so that validation can
/// name them instead of the serializer failing on them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = 16)]
[JsonSerializable(typeof(WorldFileJson))]
[JsonSerializable(typeof(CombatFileJson))]
[JsonSerializable(typeof(NpcFileJson))]
[JsonSerializable(typeof(MissionFileJson))]
internal sealed partial class DataFileJson : JsonSerializerContext;
