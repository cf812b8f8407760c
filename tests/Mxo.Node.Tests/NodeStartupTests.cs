using Mxo.Node.Hosting;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>Bad start-up options are refused with a message that names the problem, before anything starts.</summary>
public sealed class NodeStartupTests
{
    [Theory]
    [InlineData(new[] { "--rolez", "world" }, "unknown option '--rolez'")]
    [InlineData(new[] { "--roles", "world,arena" }, "Mxo:Roles")]
    [InlineData(new[] { "--Mxo:World:SnapshotEvery=0" }, "SnapshotEvery must be at least 1")]
    [InlineData(new[] { "--Mxo:Edge:OutboundBuffer=0" }, "OutboundBuffer must be at least 1")]
    [InlineData(new[] { "--Mxo:World:InterestRadius=0" }, "InterestRadius must be at least 1")]
    [InlineData(new[] { "--Mxo:World:DistrictCapacity=0" }, "DistrictCapacity must be at least 1")]
    [InlineData(new[] { "--Mxo:World:SayRate:PerSecond=0" }, "Mxo:World:SayRate:PerSecond must be a positive number")]
    [InlineData(new[] { "--Mxo:World:TravelRate:Burst=0" }, "Mxo:World:TravelRate:Burst must be at least 1")]
    [InlineData(new[] { "--Mxo:World:MaxRefusedMoves=0" }, "MaxRefusedMoves must be at least 1")]
    [InlineData(new[] { "--Mxo:Edge:FrameRate:PerSecond=-5" }, "Mxo:Edge:FrameRate:PerSecond must be a positive number")]
    [InlineData(new[] { "--Mxo:Edge:MaxSocketsPerAddress=0" }, "MaxSocketsPerAddress must be at least 1")]
    [InlineData(new[] { "--Mxo:WorldClock:TickInterval=00:00:00" }, "Mxo:WorldClock")]
    [InlineData(new[] { "--Mxo:Missions:TimeZone=Mars/Olympus_Mons" }, "Mxo:Missions:TimeZone 'Mars/Olympus_Mons' is not a known time zone")]
    [InlineData(new[] { "--Mxo:Missions:MaxPendingTimers=0" }, "Mxo:Missions:MaxPendingTimers must be at least 1")]
    [InlineData(new[] { "--Mxo:Missions:DailyReset=4am" }, "Mxo:Missions:DailyReset '4am' is not a five-field cron expression")]
    [InlineData(new[] { "--Mxo:Missions:DailyReset=0 4 * * * *" }, "Mxo:Missions:DailyReset '0 4 * * * *' is not a five-field cron expression")]
    [InlineData(new[] { "--Mxo:Missions:DailyReset=0 4 30 2 *" }, "Mxo:Missions:DailyReset '0 4 30 2 *' never occurs")]
    [InlineData(new[] { "--Mxo:Accounts:SnapshotEvery=0" }, "Mxo:Accounts:SnapshotEvery must be at least 1")]
    [InlineData(new[] { "--Mxo:Security:LoginFailureWindow=00:00:00" }, "Mxo:Security:LoginFailureWindow must be positive")]
    [InlineData(new[] { "--Mxo:Jwt:ClockSkew=01:00:00" }, "Mxo:Jwt:ClockSkew must be between 0 and")]
    [InlineData(new[] { "--port", "70000" }, "Mxo:Port must be 0-65535")]
    [InlineData(new[] { "--edge-url", "localhost:5080" }, "Mxo:EdgeUrl must be an absolute http or https URL")]
    [InlineData(new[] { "--persistence", "oracle" }, "Unknown Mxo:Persistence:Provider 'oracle'")]
    [InlineData(new[] { "--persistence", "postgresql" }, "ConnectionString is required")]
    [InlineData(new[] { "--roles", "edge" }, "Mxo:Jwt:SigningKey")]
    [InlineData(new[] { "--roles", "edge", "--Mxo:Jwt:SigningKey=c2hvcnQ=" }, "Mxo:Jwt:SigningKey")]
    public void Refuses_to_start(string[] args, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => MxoNode.Build(args));
        Assert.Contains(message, e.Message);
    }
}

public sealed class SettingsCheckTests
{
    [Fact]
    public void Every_problem_of_every_options_record_is_named_at_once()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MxoNode.Build([
            "--Mxo:World:SnapshotEvery=0", "--Mxo:Accounts:SnapshotEvery=0", "--Mxo:Edge:MaxInFlight=0", "--Mxo:WorldClock:MaxSubscribers=0",
        ]));
        Assert.Equal(
            ["4 configuration problems:", "  - Mxo:World:SnapshotEvery must be at least 1", "  - Mxo:WorldClock:MaxSubscribers must be at least 1",
                "  - Mxo:Edge:MaxInFlight must be at least 1", "  - Mxo:Accounts:SnapshotEvery must be at least 1"],
            e.Message.Split('\n'));
    }
}

public sealed class WorldMapStartupTests
{
    [Fact]
    public void A_map_with_overlapping_districts_stops_the_node_and_says_which()
    {
        // Westview reaches 500 units into Richland.
        var e = StartWithEdited(Mxo.Protocol.World.WorldMap.DefaultPath, "Mxo:World:MapFile",
            "\"bounds\": { \"minX\": -1000, \"minZ\": -1000, \"maxX\": 0, \"maxZ\": 1000 }",
            "\"bounds\": { \"minX\": -1500, \"minZ\": -1000, \"maxX\": 0, \"maxZ\": 1000 }");
        Assert.Contains("richland", e.Message);
        Assert.Contains("westview", e.Message);
    }

    [Fact]
    public void A_combat_table_naming_an_unknown_tactic_stops_the_node_and_says_where()
    {
        var e = StartWithEdited(Mxo.Protocol.Combat.CombatTable.DefaultPath, "Mxo:World:CombatFile",
            "\"beats\": [\"power\", \"gun-aimed\"]", "\"beats\": [\"power\", \"kick\"]");
        Assert.Contains("$.tactics[0].beats[1]", e.Message);
        Assert.Contains("kick", e.Message);
    }

    [Fact]
    public void A_missing_combat_table_stops_the_node()
    {
        var e = Assert.ThrowsAny<InvalidOperationException>(() => MxoNode.Build(["--Mxo:World:CombatFile=/nonexistent/combat.json"]));
        Assert.Contains("combat.json", e.Message);
    }

    [Fact]
    public void An_npc_table_placing_an_npc_in_an_unknown_district_stops_the_node_and_says_where()
    {
        var e = StartWithEdited(Mxo.Protocol.Npcs.NpcTable.DefaultPath, "Mxo:World:NpcsFile",
            "\"district\": \"richland\", \"position\": { \"x\": -1460", "\"district\": \"zion\", \"position\": { \"x\": -1460");
        Assert.Contains("$.spawns[0].district", e.Message);
        Assert.Contains("zion", e.Message);
    }

    [Fact]
    public void A_missing_npc_table_stops_the_node()
    {
        var e = Assert.ThrowsAny<InvalidOperationException>(() => MxoNode.Build(["--Mxo:World:NpcsFile=/nonexistent/npcs.json"]));
        Assert.Contains("npcs.json", e.Message);
    }

    [Fact]
    public void A_mission_table_naming_an_unknown_contact_stops_the_node_and_says_where()
    {
        var e = StartWithEdited(Mxo.Protocol.Missions.MissionTable.DefaultPath, "Mxo:World:MissionsFile",
            "\"id\": \"zion-wake-up\", \"contact\": \"zion-tyndall\"", "\"id\": \"zion-wake-up\", \"contact\": \"zion-morpheus\"");
        Assert.Contains("mission table file", e.Message);
        Assert.Contains("$.missions[0].contact: unknown contact 'zion-morpheus'", e.Message);
    }

    [Fact]
    public void A_missing_mission_table_stops_the_node()
    {
        var e = Assert.ThrowsAny<InvalidOperationException>(() => MxoNode.Build(["--Mxo:World:MissionsFile=/nonexistent/missions.json"]));
        Assert.Contains("missions.json", e.Message);
    }

    [Fact]
    public void A_missing_map_file_stops_the_node()
    {
        var e = Assert.ThrowsAny<InvalidOperationException>(() => MxoNode.Build(["--Mxo:World:MapFile=/nonexistent/districts.json"]));
        Assert.Contains("districts.json", e.Message);
    }

    /// <summary>
    /// What stops a node given, under <paramref name="key"/>, the shipped data file at <paramref name="shippedPath"/> with
    /// <paramref name="find"/> replaced by <paramref name="replace"/> (which must change it).
    /// </summary>
    private static InvalidOperationException StartWithEdited(string shippedPath, string key, string find, string replace)
    {
        var shipped = File.ReadAllText(shippedPath);
        var broken = shipped.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(shipped, broken);
        var path = Path.Combine(Path.GetTempPath(), $"mxo-{Path.GetFileNameWithoutExtension(shippedPath)}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, broken);
        try
        {
            return Assert.ThrowsAny<InvalidOperationException>(() => MxoNode.Build([$"--{key}={path}"]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
