using System.Text.Json;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary>The world feature's client frames: entering, moving, hardlines, jacking out, world objects (chat: <see cref="ChatFrames"/>).</summary>
public static class WorldFrames
{
    /// <param name="districts">The districts of the world map: <c>enter</c> names one of them (case-insensitive).</param>
    public static IReadOnlyList<FrameType> For(IReadOnlyCollection<DistrictId> districts)
    {
        var known = districts.ToDictionary(d => d.Value, StringComparer.OrdinalIgnoreCase);
        var list = string.Join(", ", districts.Select(d => d.Value));
        return
        [
            new("enter", (frame, id) => WithData(frame, id, data => RequiredString(data, "district", id, 64, out var district) is { } e
                ? Fail(e)
                : known.TryGetValue(district!.Trim(), out var found)
                    ? Ok(new EnterRequest(id, found))
                    : Fail(ErrorCodes.UnknownDistrict, $"unknown district '{district}'; known: {list}", id))),
            new("move", (frame, id) => WithData(frame, id, data => ParseMove(data, id))),
            new("jack_out", (_, id) => Ok(new JackOutRequest(id))),
            new("teleport", (frame, id) => WithData(frame, id, data => RequiredString(data, "hardline", id, 64, out var hardline) is { } e
                ? Fail(e) : Ok(new TeleportRequest(id, hardline!)))),
            // "data" is optional: without it (or without "hardline") the nearest unlocked hardline.
            new("reconstruct", (frame, id) => !frame.TryGetProperty("data", out var given) || given.ValueKind == JsonValueKind.Null
                ? Ok(new ReconstructRequest(id, null))
                : WithData(frame, id, data => !data.TryGetProperty("hardline", out _)
                    ? Ok(new ReconstructRequest(id, null))
                    : RequiredString(data, "hardline", id, 64, out var hardline) is { } e ? Fail(e) : Ok(new ReconstructRequest(id, hardline!)))),
            new("interact", (frame, id) => WithData(frame, id, data =>
                RequiredString(data, "object", id, 64, out var obj) is { } e1 ? Fail(e1)
                : RequiredString(data, "action", id, 32, out var action) is { } e2 ? Fail(e2)
                : Ok(new InteractRequest(id, obj!, action!)))),
        ];
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
}
