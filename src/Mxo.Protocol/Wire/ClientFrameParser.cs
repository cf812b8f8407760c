using System.Collections.Frozen;
using System.Text.Json;

namespace Mxo.Protocol.Wire;

/// <summary>Reads one frame type's <c>data</c>: the frame's request or why it is refused. Never throws on bad input.</summary>
/// <param name="frame">The whole frame (an object with a valid <c>type</c> and <c>v</c>).</param>
/// <param name="id">The frame's request id, already checked.</param>
public delegate (ClientRequest? Request, WireError? Error) FrameReader(JsonElement frame, string? id);

/// <summary>A client frame type and how to read it. Each feature contributes its own (<see cref="SessionFrames"/>, <see cref="WorldFrames"/>).</summary>
public sealed record FrameType(string Name, FrameReader Read);

/// <summary>
/// Parses one client text frame: <c>{"type": "...", "v": 1, "id": "...", "data": {...}}</c>. The envelope is checked
/// here; the <c>data</c> of each type is read by the <see cref="FrameType"/> a feature registered. Never throws on bad
/// input: every refusal is a <see cref="WireError"/> carrying the request id when one could be read.
/// </summary>
public sealed class ClientFrameParser
{
    /// <summary>Duplicate properties are refused, as over HTTP: two "type"s or two "text"s must not mean whichever came last.</summary>
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false,
    };

    private readonly FrozenDictionary<string, FrameReader> _readers;

    /// <exception cref="ArgumentException">Two features registered the same frame type.</exception>
    public ClientFrameParser(IEnumerable<FrameType> types)
    {
        var readers = new Dictionary<string, FrameReader>(StringComparer.Ordinal);
        foreach (var type in types)
            if (!readers.TryAdd(type.Name, type.Read))
                throw new ArgumentException($"frame type '{type.Name}' is registered twice", nameof(types));
        _readers = readers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every frame type this parser reads.</summary>
    public IReadOnlyCollection<string> FrameTypes => _readers.Keys;

    public (ClientRequest? Request, WireError? Error) Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            return Fail(ErrorCodes.MalformedJson, $"frame is not valid JSON: {e.Message}", null);
        }

        using (doc)
        {
            try
            {
                return Parse(doc.RootElement);
            }
            catch (InvalidOperationException)
            {
                // JsonElement.GetString throws on escapes that are not valid UTF-16 (a lone surrogate such as \udc00).
                return Fail(ErrorCodes.MalformedJson, "a string holds an invalid escape (lone UTF-16 surrogate)", null);
            }
        }
    }

    private (ClientRequest? Request, WireError? Error) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Fail(ErrorCodes.MalformedJson, "frame must be a JSON object", null);

        string? id = null;
        if (root.TryGetProperty("id", out var idEl))
        {
            if (idEl.ValueKind != JsonValueKind.String)
                return Fail(ErrorCodes.InvalidField, "'id' must be a string", null);
            id = idEl.GetString();
            if (string.IsNullOrEmpty(id) || id.Length > WireProtocol.MaxRequestIdLength)
                return Fail(ErrorCodes.InvalidField, $"'id' must be 1-{WireProtocol.MaxRequestIdLength} characters", null);
        }

        if (!root.TryGetProperty("type", out var typeEl))
            return Fail(ErrorCodes.MissingField, "'type' is required", id);
        if (typeEl.ValueKind != JsonValueKind.String)
            return Fail(ErrorCodes.InvalidField, "'type' must be a string", id);

        if (!root.TryGetProperty("v", out var vEl))
            return Fail(ErrorCodes.MissingField, "'v' (protocol version) is required", id);
        if (vEl.ValueKind != JsonValueKind.Number || !vEl.TryGetInt32(out var version))
            return Fail(ErrorCodes.InvalidField, "'v' must be an integer", id);
        if (version != WireProtocol.Version)
            return Fail(ErrorCodes.UnsupportedVersion, $"protocol version {version} is not supported; use {WireProtocol.Version}", id);

        var type = typeEl.GetString()!;
        return _readers.TryGetValue(type, out var read)
            ? read(root, id)
            : Fail(ErrorCodes.UnknownType, $"unknown frame type '{type}'", id);
    }

    // ---------------------------------------------------------------- helpers for frame readers

    /// <summary>Reads the frame's <c>data</c> object with <paramref name="parse"/>; refuses a frame without one.</summary>
    public static (ClientRequest?, WireError?) WithData(JsonElement frame, string? id, Func<JsonElement, (ClientRequest?, WireError?)> parse)
    {
        if (!frame.TryGetProperty("data", out var data))
            return Fail(ErrorCodes.MissingField, "'data' is required", id);
        return data.ValueKind != JsonValueKind.Object
            ? Fail(ErrorCodes.InvalidField, "'data' must be an object", id)
            : parse(data);
    }

    /// <summary>A required string field of <c>data</c> of at most <paramref name="maxLength"/> characters.</summary>
    public static WireError? RequiredString(JsonElement data, string field, string? id, int maxLength, out string? value)
    {
        value = null;
        if (!data.TryGetProperty(field, out var el))
            return new WireError(ErrorCodes.MissingField, $"'data.{field}' is required", id);
        if (el.ValueKind != JsonValueKind.String)
            return new WireError(ErrorCodes.InvalidField, $"'data.{field}' must be a string", id);
        value = el.GetString()!;
        if (value.Length > maxLength)
            return new WireError(field == "text" ? ErrorCodes.TextTooLong : ErrorCodes.InvalidField,
                $"'data.{field}' must be at most {maxLength} characters", id);
        return null;
    }

    /// <summary>
    /// A frame naming a character in <c>data.name</c> (crew and team invites, kicks, hand-overs): a name no character can
    /// have is <c>unknown_recipient</c>; otherwise <paramref name="make"/> builds the request from the trimmed name.
    /// </summary>
    public static (ClientRequest?, WireError?) CharacterNameFrame(JsonElement frame, string? id, Func<string, ClientRequest> make) =>
        WithData(frame, id, data =>
        {
            if (RequiredString(data, "name", id, 64, out var name) is { } e) return Fail(e);
            if (CharacterRules.ValidateName(name) is not null)
                return Fail(Chat.ChatErrorCodes.UnknownRecipient, $"there is no character called '{name}'", id);
            return Ok(make(name!.Trim()));
        });

    public static (ClientRequest?, WireError?) Ok(ClientRequest request) => (request, null);

    public static (ClientRequest?, WireError?) Fail(WireError error) => (null, error);

    public static (ClientRequest?, WireError?) Fail(string code, string message, string? id) => (null, new WireError(code, message, id));
}

/// <summary>The frames every session understands, whatever features it has: identity, liveness, token renewal.</summary>
public static class SessionFrames
{
    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("hello", (frame, id) => ClientFrameParser.WithData(frame, id, data =>
            ClientFrameParser.RequiredString(data, "name", id, CharacterRules.MaxNameLength, out var name) is { } e
                ? ClientFrameParser.Fail(e) : ClientFrameParser.Ok(new HelloRequest(id, name!)))),
        new("ping", (_, id) => ClientFrameParser.Ok(new PingRequest(id))),
        new("auth", (frame, id) => ClientFrameParser.WithData(frame, id, data =>
            ClientFrameParser.RequiredString(data, "token", id, 8192, out var token) is { } e
                ? ClientFrameParser.Fail(e)
                : string.IsNullOrWhiteSpace(token)
                    ? ClientFrameParser.Fail(ErrorCodes.MissingField, "'data.token' must not be empty", id)
                    : ClientFrameParser.Ok(new AuthRequest(id, token!)))),
    ];
}
