using System.Globalization;

namespace Mxo.Protocol.Missions;

/// <summary>
/// A mission event one team member's entity passes to the others through the team (team missions, issue 13): written
/// as tab-separated text in the team messages' text field, so sharing needs no message type of its own. Only events
/// the rules know; anything else reads as null and is dropped.
/// </summary>
public static class MissionShare
{
    public static string? Encode(MissionEvent e) => e switch
    {
        Talked t => Join("talk", t.Target),
        Reached r => Join("reach", r.District.Value, Num(r.Position.X), Num(r.Position.Y), Num(r.Position.Z)),
        Defeated d => Join("defeat", d.NpcKind),
        Looted l => Join("loot", l.ItemId, l.FromKind),
        Got g => Join("get", g.ItemId, g.FromObject),
        Gave g => Join("give", g.ItemId, g.ToId),
        _ => null,
    };

    public static MissionEvent? Decode(string? text)
    {
        var p = text?.Split('\t');
        return p switch
        {
            ["talk", var target] => new Talked(target),
            ["reach", var district, var x, var y, var z] when Parse(x, out var px) && Parse(y, out var py) && Parse(z, out var pz) =>
                new Reached(new DistrictId(district), new Vec3(px, py, pz)),
            ["defeat", var kind] => new Defeated(kind),
            ["loot", var item, var kind] => new Looted(item, kind),
            ["get", var item, var from] => new Got(item, from),
            ["give", var item, var to] => new Gave(item, to),
            _ => null,
        };
    }

    private static string Join(params string[] parts) => string.Join('\t', parts);

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool Parse(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
