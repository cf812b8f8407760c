namespace Mxo.TestSupport;

/// <summary>Reads System.CommandLine's help output.</summary>
public static class HelpText
{
    /// <summary>The option rows of a help text (lines starting with "  -"), continuation lines joined.</summary>
    public static List<string> Rows(string help)
    {
        var rows = new List<string>();
        foreach (var line in help.Split('\n'))
        {
            if (line.StartsWith("  -", StringComparison.Ordinal)) rows.Add(line.Trim());
            else if (rows.Count > 0 && line.StartsWith("   ", StringComparison.Ordinal)) rows[^1] += " " + line.Trim();
        }
        return rows;
    }
}
