using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>The world map file is the only list of districts: a fifth one works without a code change.</summary>
public sealed class FifthDistrictTests
{
    [Fact]
    public async Task A_map_with_a_fifth_district_is_served_entered_and_walked_into()
    {
        using var data = new TempData();
        var map = JsonNode.Parse(File.ReadAllText(Mxo.Protocol.World.WorldMap.DefaultPath))!;
        map["world"]!["maxX"] = 3000;
        map["districts"]!.AsArray().Add(JsonNode.Parse("""
            {
              "id": "zion", "name": "Zion", "nickname": "the last city",
              "bounds": { "minX": 2000, "minZ": -1000, "maxX": 3000, "maxZ": 1000 },
              "capacity": 50,
              "spawn": { "x": 2500, "y": 0, "z": 0 },
              "hardlines": [ { "id": "zion-dock", "name": "Zion Dock", "position": { "x": 2600, "y": 0, "z": 0 }, "rotation": 0 } ],
              "objects": [ { "id": "zion-gate", "kind": "door", "position": { "x": 2510, "y": 0, "z": 0 }, "state": "closed" } ]
            }
            """));
        var mapFile = Path.Combine(data.Directory, "five-districts.json");
        await File.WriteAllTextAsync(mapFile, map.ToJsonString());

        // A raised speed limit, so the test can walk to the edge in two steps.
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev", "--Mxo:World:MapFile=" + mapFile,
            "--Mxo:World:MaxSpeed=2000"]);
        using var http = new HttpClient { BaseAddress = node.Http };
        var districts = JsonDocument.Parse(await http.GetStringAsync("/world/districts")).RootElement.GetProperty("districts");
        Assert.Equal(["richland", "westview", "international", "downtown", "zion"],
            districts.EnumerateArray().Select(d => d.GetProperty("id").GetString()));

        await using var client = await TestClient.ConnectAsync(node.Ws);
        await client.HelloAsync("Morpheus" + Guid.NewGuid().ToString("N")[..6]);
        var entered = Frames.Data(await client.EnterAsync("zion"));
        Assert.Equal(("zion", (2500.0, 0.0, 0.0)), (entered.GetProperty("district").GetString(), Frames.Position(entered.GetProperty("position"))));

        // Its objects and rules are the map's: the door opens.
        var open = await client.SendAsync("interact", """{"object":"zion-gate","action":"open"}""");
        await client.ExpectTypeAsync("ack", open);

        // And from Downtown's east edge one walks into it: a hand-over like any other.
        await client.EnterAsync("downtown");
        await client.MoveAsync(1995, 0, 0);
        await client.MoveAsync(2005, 0, 0);
        var handedOver = Frames.Data(await client.ExpectAsync(f => Frames.Type(f) == "entered", what: "the hand-over into zion"));
        Assert.Equal("zion", handedOver.GetProperty("district").GetString());

        var unknown = await client.SendAsync("enter", """{"district":"atlantis"}""");
        var error = Frames.Data(await client.ExpectTypeAsync("error", unknown));
        Assert.Equal("unknown_district", error.GetProperty("code").GetString());
        Assert.Contains("zion", error.GetProperty("message").GetString());
    }
}
