using System.Text.Json;

namespace Mxo.Protocol.Wire;

/// <summary>
/// Parses one client text frame: <c>{"type": "...", "v": 1, "id": "...", "data": {...}}</c>. Never throws on bad input:
/// every refusal is a <see cref="WireError"/> carrying the request id when one could be read.
/// </summary>
public static class ClientFrameParser
{
    /// <summary>Duplicate properties are refused, as over HTTP: two "type"s or two "text"s must not mean whichever came last.</summary>
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false,
    };

    public static (ClientRequest? Request, WireError? Error) Parse(ReadOnlyMemory<byte> utf8)
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

    private static (ClientRequest? Request, WireError? Error) Parse(JsonElement root)
    {
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

            var type = typeEl.GetString();
            return type switch
            {
                "hello" => WithData(root, id, data => RequiredString(data, "name", id, CharacterRules.MaxNameLength, out var name) is { } e
                    ? Fail(e) : Ok(new HelloRequest(id, name!))),
                "enter" => WithData(root, id, data => RequiredString(data, "district", id, 64, out var district) is { } e
                    ? Fail(e)
                    : DistrictCatalog.Find(district) is { } info
                        ? Ok(new EnterRequest(id, info.Id))
                        : Fail(ErrorCodes.UnknownDistrict, $"unknown district '{district}'; known: {string.Join(", ", DistrictCatalog.All.Select(d => d.Id.Value))}", id)),
                "move" => WithData(root, id, data => ParseMove(data, id)),
                "say" => WithData(root, id, data => RequiredString(data, "text", id, CharacterRules.MaxChatLength, out var text) is { } e
                    ? Fail(e)
                    : CharacterRules.ValidateChatText(text!) is { } problem ? Fail(ErrorCodes.InvalidField, problem, id) : Ok(new SayRequest(id, text!))),
                "ping" => Ok(new PingRequest(id)),
                "jack_out" => Ok(new JackOutRequest(id)),
                "teleport" => WithData(root, id, data => RequiredString(data, "hardline", id, 64, out var hardline) is { } e
                    ? Fail(e) : Ok(new TeleportRequest(id, hardline!))),
                "interact" => WithData(root, id, data =>
                    RequiredString(data, "object", id, 64, out var obj) is { } e1 ? Fail(e1)
                    : RequiredString(data, "action", id, 32, out var action) is { } e2 ? Fail(e2)
                    : Ok(new InteractRequest(id, obj!, action!))),
                "auth" => WithData(root, id, data => RequiredString(data, "token", id, 8192, out var token) is { } e
                    ? Fail(e)
                    : string.IsNullOrWhiteSpace(token) ? Fail(ErrorCodes.MissingField, "'data.token' must not be empty", id) : Ok(new AuthRequest(id, token!))),
                _ => Fail(ErrorCodes.UnknownType, $"unknown frame type '{type}'", id),
            };
        }
    }

    private static (ClientRequest?, WireError?) ParseMove(JsonElement data, string? id)
    {
        var coords = new double[3];
        string[] names = ["x", "y", "z"];
        for (var i = 0; i < 3; i++)
        {
            if (!data.TryGetProperty(names[i], out var el))
                return Fail(ErrorCodes.MissingField, $"'data.{names[i]}' is required", id);
            if (el.ValueKind != JsonValueKind.Number || !el.TryGetDouble(out coords[i]))
                return Fail(ErrorCodes.InvalidField, $"'data.{names[i]}' must be a number", id);
        }

        var position = new Vec3(coords[0], coords[1], coords[2]);
        return position.IsValid
            ? Ok(new MoveRequest(id, position))
            : Fail(ErrorCodes.InvalidPosition, $"coordinates must be finite and within ±{Vec3.WorldLimit:0}", id);
    }

    private static (ClientRequest?, WireError?) WithData(JsonElement root, string? id, Func<JsonElement, (ClientRequest?, WireError?)> parse)
    {
        if (!root.TryGetProperty("data", out var data))
            return Fail(ErrorCodes.MissingField, "'data' is required", id);
        return data.ValueKind != JsonValueKind.Object
            ? Fail(ErrorCodes.InvalidField, "'data' must be an object", id)
            : parse(data);
    }

    private static WireError? RequiredString(JsonElement data, string field, string? id, int maxLength, out string? value)
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

    private static (ClientRequest?, WireError?) Ok(ClientRequest request) => (request, null);

    private static (ClientRequest?, WireError?) Fail(WireError error) => (null, error);

    private static (ClientRequest?, WireError?) Fail(string code, string message, string? id) => (null, new WireError(code, message, id));
}
