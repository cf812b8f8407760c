using System.Buffers;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Wire;
using Mxo.Protocol.World;
using Mxo.Actors.Districts;

namespace Mxo.Edge;

/// <summary>
/// <c>GET /world/districts</c> and <c>GET /world/districts/{id}</c>: the seed's GetDistrictState — how many are present,
/// the world objects, the environment — and never who is there or where (another player's private data).
/// <c>GET /world/contacts</c>: the mission contacts of world/missions.json, where they stand and what they offer.
/// </summary>
public static class WorldEndpoints
{
    public static WebApplication MapWorld(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<EdgeOptions>();

        app.MapGet("/world/districts", async (WorldMap map, IRequiredActor<DistrictRegion> regionRef, CancellationToken ct) =>
        {
            var region = await regionRef.GetAsync(ct);
            DistrictReplies.Status[] statuses;
            try
            {
                statuses = await Task.WhenAll(map.All.Select(d =>
                    region.Ask<DistrictReplies.Status>(new DistrictCommands.GetStatus(d.Id), options.RequestTimeout, ct)));
            }
            catch (AskTimeoutException)
            {
                return Unavailable();
            }
            return Json(w =>
            {
                w.WriteStartArray("districts");
                foreach (var (data, status) in map.All.Zip(statuses))
                {
                    w.WriteStartObject();
                    WriteSummary(w, data, status);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        });

        // The mission table is immutable and loaded before the app is built (src/Mxo.Node/Hosting/MxoNode.cs), so the
        // answer is written once here and the same bytes serve every request.
        var contacts = ContactsJson(app.Services.GetRequiredService<MissionTable>());
        app.MapGet("/world/contacts", () => Results.Bytes(contacts, "application/json"));

        app.MapGet("/world/districts/{id}", async (string id, WorldMap map, IRequiredActor<DistrictRegion> regionRef, CancellationToken ct) =>
        {
            if (map.Find(id) is not { } data)
                return Results.Json(new ErrorBody(ErrorCodes.UnknownDistrict, $"no district '{id}'"), EdgeJson.Default.ErrorBody,
                    statusCode: StatusCodes.Status404NotFound);
            var region = await regionRef.GetAsync(ct);
            DistrictReplies.Status status;
            try
            {
                status = await region.Ask<DistrictReplies.Status>(new DistrictCommands.GetStatus(data.Id), options.RequestTimeout, ct);
            }
            catch (AskTimeoutException)
            {
                return Unavailable();
            }
            return Json(w =>
            {
                WriteSummary(w, data, status);
                w.WriteStartArray("objects");
                foreach (var o in status.Objects) ServerFrames.WriteObject(w, o);
                w.WriteEndArray();
                w.WriteStartArray("hardlines");
                foreach (var h in data.Hardlines)
                {
                    w.WriteStartObject();
                    w.WriteString("id", h.Id);
                    w.WriteString("name", h.Name);
                    ServerFrames.WritePosition(w, "position", h.Position);
                    w.WriteNumber("rotation", h.Rotation);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (status.Environment is { } environment)
                {
                    w.WriteStartObject("environment");
                    ServerFrames.WriteEnvironment(w, environment);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("environment");
                }
                w.WriteStartObject("tick");
                w.WriteNumber("count", status.Ticks);
                w.WriteNumber("p50Ms", Math.Round(status.TickP50Ms, 3));
                w.WriteNumber("p99Ms", Math.Round(status.TickP99Ms, 3));
                w.WriteNumber("lateP50Ms", Math.Round(status.TickLateP50Ms, 3));
                w.WriteNumber("lateP99Ms", Math.Round(status.TickLateP99Ms, 3));
                w.WriteEndObject();
            });
        });
        return app;
    }

    /// <summary>
    /// Every contact in file order: id, name, organisation, district, position, the reputation its missions need, and
    /// its missions' ids in file order (live events' included: whether one is open is a question for the game, not the map).
    /// </summary>
    private static byte[] ContactsJson(MissionTable table) => JsonBytes(w =>
    {
        w.WriteStartArray("contacts");
        foreach (var c in table.Contacts)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("name", c.Name);
            w.WriteString("organisation", c.Organisation);
            w.WriteString("district", c.District.Value);
            ServerFrames.WritePosition(w, "position", c.Position);
            w.WriteNumber("reputation", c.ReputationNeeded);
            w.WriteStartArray("missions");
            foreach (var m in table.Missions)
                if (m.Contact.Id == c.Id) w.WriteStringValue(m.Id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void WriteSummary(Utf8JsonWriter w, DistrictData data, DistrictReplies.Status status)
    {
        w.WriteString("id", data.Id.Value);
        w.WriteString("name", data.Name);
        w.WriteString("nickname", data.Nickname);
        w.WriteNumber("present", status.Present);
        w.WriteNumber("capacity", status.Capacity);
    }

    private static IResult Unavailable() =>
        Results.Json(new ErrorBody("unavailable", "the world did not answer in time"), EdgeJson.Default.ErrorBody,
            statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult Json(Action<Utf8JsonWriter> body) => Results.Bytes(JsonBytes(body), "application/json");

    /// <summary>One JSON object whose members <paramref name="body"/> writes.</summary>
    private static byte[] JsonBytes(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
