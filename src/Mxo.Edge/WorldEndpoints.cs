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
using Mxo.Protocol.Wire;
using Mxo.Protocol.World;
using Mxo.Actors.Districts;

namespace Mxo.Edge;

/// <summary>
/// <c>GET /world/districts</c> and <c>GET /world/districts/{id}</c>: the seed's GetDistrictState — how many are present,
/// the world objects, the environment — and never who is there or where (another player's private data).
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

    private static IResult Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Results.Bytes(buffer.WrittenSpan.ToArray(), "application/json");
    }
}
