using System.Globalization;
using Mxo.Protocol.World;
using Xunit;

namespace Mxo.Protocol.Tests;

public sealed class WorldMapTests
{
    private static readonly WorldMap Shipped = WorldMap.Load(WorldMap.DefaultPath);

    // ---- the shipped file ---------------------------------------------------------------------------------------

    [Fact]
    public void Shipped_file_loads_and_validates()
    {
        Assert.True(File.Exists(WorldMap.DefaultPath), $"{WorldMap.DefaultPath} is copied to the test output");
        Assert.Same(Shipped, Shipped.Validate());
        Assert.Equal(["richland", "westview", "international", "downtown"], Shipped.All.Select(d => d.Id.Value));
        Assert.Equal(new Bounds(-2000, -1000, 2000, 1000), Shipped.World);

        foreach (var d in Shipped.All)
        {
            Assert.Equal(100, d.Capacity);
            Assert.InRange(d.Hardlines.Count, 2, 4);
            Assert.InRange(d.Objects.Count, 2, 3);
            Assert.True(d.Bounds.Contains(d.Spawn));
            Assert.All(d.Hardlines, h => Assert.Equal(d.Id, h.District));
            Assert.All(d.Hardlines, h => Assert.True(d.Bounds.Contains(h.Position)));
            Assert.All(d.Objects, o => Assert.True(d.Bounds.Contains(o.Position)));
            Assert.All(d.Objects, o => Assert.Contains(o.Kind, new[] { "door", "terminal" }));
        }
    }

    [Fact]
    public void Shipped_file_has_the_four_districts_each_spawning_inside_itself()
    {
        Assert.Equal(["richland", "westview", "international", "downtown"], Shipped.All.Select(d => d.Id.Value));
        foreach (var d in Shipped.All)
        {
            Assert.True(d.Bounds.Contains(d.Spawn));
            Assert.Same(d, Shipped.DistrictAt(d.Spawn));
        }
        Assert.Equal(new Vec3(1500, 0, 0), Shipped.Find(new DistrictId("downtown"))!.Spawn);
    }

    [Fact]
    public void Shipped_districts_tile_the_world_without_gaps()
    {
        var area = Shipped.All.Sum(d => d.Bounds.Width * d.Bounds.Depth);
        Assert.Equal(Shipped.World.Width * Shipped.World.Depth, area);
    }

    // ---- queries -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(-2000, -1000, "richland")]     // min corner belongs to the district
    [InlineData(-1000.001, 999.999, "richland")]
    [InlineData(-1000, 0, "westview")]         // shared edge belongs to the district whose min edge it is
    [InlineData(-0.001, 0, "westview")]
    [InlineData(0, 0, "international")]
    [InlineData(999.999, -1000, "international")]
    [InlineData(1000, 0, "downtown")]
    [InlineData(1999.999, 999.999, "downtown")]
    [InlineData(2000, 0, null)]                // max edge of the world is outside
    [InlineData(0, 1000, null)]
    [InlineData(0, -1000.001, null)]
    [InlineData(-2000.001, 0, null)]
    [InlineData(50000, 50000, null)]
    public void DistrictAt_uses_half_open_rectangles(double x, double z, string? expected)
    {
        var p = new Vec3(x, 123, z); // height does not matter
        Assert.Equal(expected, Shipped.DistrictAt(p)?.Id.Value);
        Assert.Equal(expected is not null, Shipped.IsInsideWorld(p));
    }

    [Fact]
    public void Non_finite_positions_are_in_no_district()
    {
        Assert.Null(Shipped.DistrictAt(new Vec3(double.NaN, 0, 0)));
        Assert.Null(Shipped.DistrictAt(new Vec3(0, 0, double.PositiveInfinity)));
        Assert.False(Shipped.IsInsideWorld(new Vec3(double.NaN, double.NaN, double.NaN)));
    }

    [Fact]
    public void A_gap_between_districts_is_outside_the_world()
    {
        var map = WorldMap.Parse(Doc(D("a", 0, 50) + "," + D("b", 100, 150)));
        Assert.True(map.World.Contains(new Vec3(75, 0, 50)));
        Assert.False(map.IsInsideWorld(new Vec3(75, 0, 50)));
        Assert.True(map.IsInsideWorld(new Vec3(25, 0, 50)));
        Assert.Empty(map.Neighbours(new DistrictId("a")));
    }

    [Fact]
    public void Neighbours_share_an_edge()
    {
        string[] Ids(string id) => [.. Shipped.Neighbours(new DistrictId(id)).Select(d => d.Id.Value)];
        Assert.Equal(["westview"], Ids("richland"));
        Assert.Equal(["richland", "international"], Ids("westview"));
        Assert.Equal(["westview", "downtown"], Ids("international"));
        Assert.Equal(["international"], Ids("downtown"));
        Assert.Empty(Ids("zion"));
        Assert.Empty(Shipped.Neighbours(default));
    }

    [Fact]
    public void Touching_only_at_a_corner_is_not_a_neighbour()
    {
        // Four quadrants: a | b over c | d. a and d (and b and c) meet only at (100, 100).
        var map = WorldMap.Parse(Doc(
            D("a", 0, 100, 0, 100) + "," + D("b", 100, 200, 0, 100) + "," + D("c", 0, 100, 100, 200) + "," + D("d", 100, 200, 100, 200),
            World(0, 0, 200, 200)));
        Assert.Equal(["b", "c"], map.Neighbours(new DistrictId("a")).Select(d => d.Id.Value));
        Assert.Equal(["b", "c"], map.Neighbours(new DistrictId("d")).Select(d => d.Id.Value));
        Assert.Equal("d", map.DistrictAt(new Vec3(100, 0, 100))?.Id.Value);
    }

    [Fact]
    public void Hardlines_are_found_across_districts()
    {
        var h = Shipped.Hardline("downtown-achlys");
        Assert.NotNull(h);
        Assert.Equal("Achlys Square", h.Name);
        Assert.Equal(new DistrictId("downtown"), h.District);
        Assert.Same(Shipped.Find(h.District), Shipped.DistrictAt(h.Position));
        Assert.Equal(270, h.Rotation);

        Assert.Equal(new DistrictId("richland"), Shipped.Hardline("richland-mara-central")?.District);
        Assert.Null(Shipped.Hardline("zion-dock"));
        Assert.Null(Shipped.Hardline(null));
        Assert.Equal(Shipped.All.Sum(d => d.Hardlines.Count), Shipped.Hardlines.Count);
    }

    [Fact]
    public void Find_by_id_and_by_text()
    {
        Assert.Equal("the Slums", Shipped.Find(new DistrictId("richland"))?.Nickname);
        Assert.Equal("the Barrens", Shipped.Find(" WestView ")?.Nickname);
        Assert.Null(Shipped.Find(new DistrictId("Richland"))); // ids are exact lower case
        Assert.Null(Shipped.Find("zion"));
        Assert.Null(Shipped.Find((string?)null));
        Assert.Null(Shipped.Find(default(DistrictId)));
    }

    [Fact]
    public void Capacity_can_be_overridden_for_one_or_all_districts()
    {
        var all = Shipped.WithCapacity(null, 250);
        Assert.All(all.All, d => Assert.Equal(250, d.Capacity));

        var one = Shipped.WithCapacity(new DistrictId("downtown"), 7);
        Assert.Equal(7, one.Find("downtown")!.Capacity);
        Assert.Equal(100, one.Find("richland")!.Capacity);
        Assert.Equal(one.Find("downtown")!.Hardlines, Shipped.Find("downtown")!.Hardlines);

        Assert.All(Shipped.All, d => Assert.Equal(100, d.Capacity)); // the original is untouched

        var low = Assert.Throws<WorldMapException>(() => Shipped.WithCapacity(new DistrictId("downtown"), 0));
        Assert.Contains("district 'downtown' must be at least 1, got 0", low.Message);
        var unknown = Assert.Throws<WorldMapException>(() => Shipped.WithCapacity(new DistrictId("zion"), 5));
        Assert.Contains("unknown district 'zion'", unknown.Message);
    }

    [Fact]
    public void The_map_is_immutable()
    {
        var hardlines = new List<Hardline> { new("h", "H", new DistrictId("a"), new Vec3(10, 0, 10), 0) };
        var district = new DistrictData(new DistrictId("a"), "A", "A", new Bounds(0, 0, 100, 100), 10, new Vec3(50, 0, 50),
            hardlines, []);
        var map = WorldMap.Create(new Bounds(0, 0, 100, 100), [district]);

        hardlines.Add(new("h2", "H2", new DistrictId("a"), new Vec3(500, 0, 10), 0)); // the caller's list changes later
        Assert.Single(map.Find("a")!.Hardlines);
        Assert.Null(map.Hardline("h2"));
        Assert.IsNotType<List<Hardline>>(map.Find("a")!.Hardlines);
        Assert.Throws<NotSupportedException>(() => ((IList<Hardline>)map.Hardlines).Add(hardlines[1]));
    }

    [Fact]
    public void Create_refuses_a_hardline_that_names_another_district()
    {
        var district = new DistrictData(new DistrictId("a"), "A", "A", new Bounds(0, 0, 100, 100), 10, new Vec3(50, 0, 50),
            [new Hardline("h", "H", new DistrictId("b"), new Vec3(10, 0, 10), 0)], []);
        var e = Assert.Throws<WorldMapException>(() => WorldMap.Create(new Bounds(0, 0, 100, 100), [district]));
        Assert.Contains("hardline 'h' names district 'b' but is listed under district 'a'", e.Message);
    }

    [Fact]
    public void Create_refuses_non_finite_numbers()
    {
        var district = new DistrictData(new DistrictId("a"), "A", "A", new Bounds(0, 0, double.PositiveInfinity, 100), 10,
            new Vec3(double.NaN, 0, 50), [new Hardline("h", "H", new DistrictId("a"), new Vec3(10, 0, 10), double.NaN)], []);
        var e = Assert.Throws<WorldMapException>(() => WorldMap.Create(new Bounds(0, 0, 100, 100), [district]));
        Assert.Contains("district 'a' bounds", e.Message);
        Assert.Contains("district 'a' spawn (NaN, 0, 50) holds a number that is not finite", e.Message);
        Assert.Contains("hardline 'h' rotation is not a finite number", e.Message);
        Assert.Equal(3, e.Problems.Count);
    }

    // ---- loading -----------------------------------------------------------------------------------------------

    [Fact]
    public void Load_names_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<WorldMapException>(() => WorldMap.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Load_names_the_file_and_the_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-world-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Doc(D("a", 0, 100) + "," + D("b", 50, 150)));
        try
        {
            var e = Assert.Throws<WorldMapException>(() => WorldMap.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("districts 'a'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_small_valid_document_parses()
    {
        var map = WorldMap.Parse(Doc(D("a", 0, 100) + "," + D("b", 100, 200)));
        Assert.Equal(2, map.All.Count);
        Assert.Equal(["b"], map.Neighbours(new DistrictId("a")).Select(d => d.Id.Value));
        Assert.Equal("closed", map.Find("a")!.Objects.Single().State);
        Assert.Equal(new DistrictId("b"), map.Hardline("b-h")!.District);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var e = Assert.Throws<WorldMapException>(() => WorldMap.Parse(Doc(D("a", 0, 100, capacity: 0) + "," + D("a", 50, 150))));
        Assert.Contains("capacity must be at least 1", e.Message);
        Assert.Contains("duplicate district id 'a'", e.Message);
        Assert.Contains("duplicate hardline id 'a-h'", e.Message);
        Assert.Contains("duplicate world object id 'a-door'", e.Message);
        Assert.Contains("overlap", e.Message);
        Assert.True(e.Problems.Count >= 5, string.Join(" | ", e.Problems));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
    }

    public static TheoryData<string, string, string[]> InvalidDocuments => new()
    {
        {
            "overlapping districts",
            Doc(D("a", 0, 100) + "," + D("b", 99, 199)),
            ["districts 'a'", "and 'b'", "overlap"]
        },
        {
            "hardline outside its district",
            Doc(D("a", 0, 100, hardlineX: 100) + "," + D("b", 100, 200)),
            ["hardline 'a-h' position (100, 0, 50) is outside its district 'a'"]
        },
        {
            "world object outside its district",
            Doc(D("a", 0, 100, objectX: -5)),
            ["world object 'a-door' position (-5, 0, 50) is outside its district 'a'"]
        },
        {
            "spawn outside its district",
            Doc(D("a", 0, 100, spawnX: 150) + "," + D("b", 100, 200)),
            ["district 'a' spawn (150, 0, 50) is outside its district 'a'"]
        },
        {
            "duplicate district ids",
            Doc(D("a", 0, 100) + "," + D("a", 100, 200).Replace("\"a-", "\"a2-")),
            ["duplicate district id 'a'"]
        },
        {
            "duplicate hardline ids across districts",
            Doc(D("a", 0, 100) + "," + D("b", 100, 200).Replace("\"b-h\"", "\"a-h\"")),
            ["duplicate hardline id 'a-h' (in district 'a' and district 'b')"]
        },
        {
            "duplicate world object ids",
            Doc(D("a", 0, 100) + "," + D("b", 100, 200).Replace("\"b-door\"", "\"a-door\"")),
            ["duplicate world object id 'a-door'"]
        },
        {
            "capacity below one",
            Doc(D("a", 0, 100, capacity: 0)),
            ["district 'a' capacity must be at least 1, got 0"]
        },
        {
            "empty district id",
            Doc(D("", 0, 100)),
            ["district #1 id is empty"]
        },
        {
            "invalid district id",
            Doc(D("Down Town", 0, 100)),
            ["district #1 id 'Down Town' is invalid"]
        },
        {
            "invalid hardline id",
            Doc(D("a", 0, 100).Replace("\"a-h\"", "\"-h\"")),
            ["district 'a' hardline #1 id '-h' is invalid"]
        },
        {
            "invalid object kind and empty state",
            Doc(D("a", 0, 100).Replace("\"door\"", "\"Door!\"").Replace("\"closed\"", "\" \"")),
            ["world object 'a-door' kind 'Door!' is invalid", "world object 'a-door' state is empty"]
        },
        {
            "empty name",
            Doc(D("a", 0, 100).Replace("\"name\": \"District a\"", "\"name\": \"\"")),
            ["district 'a' name is empty"]
        },
        {
            "inverted district bounds",
            Doc(D("a", 100, 0, spawnX: 50)),
            ["district 'a' bounds x [100, 0) z [0, 100) are inverted or empty"]
        },
        {
            "empty district bounds",
            Doc(D("a", 0, 100, minZ: 20, maxZ: 20)),
            ["district 'a' bounds", "are inverted or empty"]
        },
        {
            "inverted world bounds",
            Doc(D("a", 0, 100), World(200, 0, 0, 100)),
            ["the world bounds x [200, 0) z [0, 100) are inverted or empty"]
        },
        {
            "district outside the world",
            Doc(D("a", 0, 100) + "," + D("b", 100, 250)),
            ["district 'b' bounds x [100, 250) z [0, 100) lie outside the world bounds x [0, 200) z [0, 100)"]
        },
        {
            "non-finite coordinate",
            Doc(D("a", 0, 100).Replace("\"x\": 10", "\"x\": \"NaN\"")),
            ["hardline 'a-h' position (NaN, 0, 50) holds a number that is not finite"]
        },
        {
            "non-finite bounds",
            Doc(D("a", 0, 100), World(0, 0, 200, 100).Replace("\"maxX\": 200", "\"maxX\": \"Infinity\"")),
            ["the world bounds", "not finite"]
        },
        {
            "coordinate that overflows a double",
            Doc(D("a", 0, 100).Replace("\"x\": 10", "\"x\": 1e400")),
            ["hardline 'a-h' position (Infinity, 0, 50) holds a number that is not finite"]
        },
        {
            "absurd coordinate",
            Doc(D("a", 0, 100).Replace("\"y\": 0", "\"y\": 1e300")),
            ["holds a number that is not finite or exceeds 1000000"]
        },
        {
            "rotation out of range",
            Doc(D("a", 0, 100).Replace("\"rotation\": 90", "\"rotation\": 360")),
            ["hardline 'a-h' rotation 360 must be a yaw in degrees"]
        },
        {
            "no districts",
            """{ "version": 1, "world": { "minX": 0, "minZ": 0, "maxX": 200, "maxZ": 100 }, "districts": [] }""",
            ["the world has no districts"]
        },
        {
            "null district",
            Doc("null"),
            ["district #1 is null"]
        },
        {
            "null hardline",
            Doc(D("a", 0, 100).Replace("\"hardlines\": [", "\"hardlines\": [null, ")),
            ["district 'a' hardline #1 is null"]
        },
        {
            "unsupported version",
            Doc(D("a", 0, 100)).Replace("\"version\": 1", "\"version\": 2"),
            ["version 2 is not supported"]
        },
        {
            "missing required field",
            Doc(D("a", 0, 100).Replace("\"capacity\": 10,", "")),
            ["is not valid", "type 'district' was missing required properties including: 'capacity'", "Path: $.districts[0]"]
        },
        {
            "missing required field in a hardline",
            Doc(D("a", 0, 100).Replace(", \"rotation\": 90", "")),
            ["is not valid", "missing required properties", "rotation"]
        },
        {
            "null where a value is required",
            Doc(D("a", 0, 100).Replace("\"nickname\": \"A\"", "\"nickname\": null")),
            ["is not valid", "nickname"]
        },
        {
            "unknown property",
            Doc(D("a", 0, 100).Replace("\"hardlines\"", "\"hardLines\"")),
            ["is not valid", "'hardLines' could not be mapped", "Path: $.districts[0].hardLines"]
        },
        {
            "duplicate property",
            Doc(D("a", 0, 100).Replace("\"capacity\": 10,", "\"capacity\": 10, \"capacity\": 20,")),
            ["is not valid", "capacity"]
        },
        {
            "wrong type",
            Doc(D("a", 0, 100).Replace("\"capacity\": 10,", "\"capacity\": \"ten\",")),
            ["is not valid", "$.districts[0].capacity"]
        },
        {
            "malformed JSON",
            """{ "version": 1, "world": """,
            ["world data is not valid"]
        },
        {
            "empty text",
            "   ",
            ["world data is empty"]
        },
        {
            "JSON null",
            "null",
            ["world data is empty"]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void Invalid_documents_are_refused_with_a_message_naming_the_problem(string problem, string json, string[] expected)
    {
        var e = Assert.Throws<WorldMapException>(() => WorldMap.Parse(json));
        foreach (var fragment in expected)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal),
                $"{problem}: expected '{fragment}' in: {e.Message}");
        Assert.NotEmpty(e.Problems);
        Assert.DoesNotContain("Mxo.Protocol.World", e.Message, StringComparison.Ordinal); // no .NET type names
    }

    // ---- small documents ---------------------------------------------------------------------------------------

    private static string World(double minX, double minZ, double maxX, double maxZ) =>
        Inv($$"""{ "minX": {{minX}}, "minZ": {{minZ}}, "maxX": {{maxX}}, "maxZ": {{maxZ}} }""");

    private static string Doc(string districts, string? world = null) =>
        $$"""{ "version": 1, "world": {{world ?? World(0, 0, 200, 100)}}, "districts": [ {{districts}} ] }""";

    /// <summary>One district spanning x [minX, maxX), z [minZ, maxZ) with one hardline "{id}-h" and one door "{id}-door".</summary>
    private static string D(string id, double minX, double maxX, double minZ = 0, double maxZ = 100, int capacity = 10,
        double? spawnX = null, double? hardlineX = null, double? objectX = null)
    {
        var midZ = (minZ + maxZ) / 2;
        var sx = spawnX ?? (minX + maxX) / 2;
        var hx = hardlineX ?? minX + 10;
        var ox = objectX ?? minX + 20;
        return Inv($$"""
            {
              "id": "{{id}}", "name": "District {{id}}", "nickname": "A",
              "bounds": { "minX": {{minX}}, "minZ": {{minZ}}, "maxX": {{maxX}}, "maxZ": {{maxZ}} },
              "capacity": {{capacity}},
              "spawn": { "x": {{sx}}, "y": 0, "z": {{midZ}} },
              "hardlines": [ { "id": "{{id}}-h", "name": "Hardline", "position": { "x": {{hx}}, "y": 0, "z": {{midZ}} }, "rotation": 90 } ],
              "objects": [ { "id": "{{id}}-door", "kind": "door", "position": { "x": {{ox}}, "y": 0, "z": {{midZ}} }, "state": "closed" } ]
            }
            """);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
