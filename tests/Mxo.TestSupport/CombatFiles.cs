using Mxo.Protocol.Combat;

namespace Mxo.TestSupport;

/// <summary>
/// The shipped combat table (world/combat.json) with shorter rounds, so a test's fight takes seconds instead of minutes.
/// Everything else stays as shipped: tests fight with the real tactics, abilities and numbers.
/// </summary>
public static class CombatFiles
{
    /// <summary>The shipped table's JSON with rounds of <paramref name="roundMs"/>.</summary>
    public static string ShippedWithRoundMs(int roundMs)
    {
        var shipped = File.ReadAllText(CombatTable.DefaultPath);
        var fast = shipped.Replace("\"roundMs\": 3000", $"\"roundMs\": {roundMs}", StringComparison.Ordinal);
        // The shipped file changing its round length must fail the tests loudly, not leave them running 3 s rounds.
        if (fast == shipped) throw new InvalidOperationException($"{CombatTable.DefaultPath} no longer says \"roundMs\": 3000");
        return fast;
    }

    public static CombatTable TableWithRoundMs(int roundMs) => CombatTable.Parse(ShippedWithRoundMs(roundMs));

    /// <summary>Writes the table with rounds of <paramref name="roundMs"/> into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteWithRoundMs(string directory, int roundMs)
    {
        var path = Path.Combine(directory, "combat.json");
        File.WriteAllText(path, ShippedWithRoundMs(roundMs));
        return path;
    }
}
