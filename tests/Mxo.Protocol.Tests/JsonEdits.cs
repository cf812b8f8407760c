using System.Text.Json.Nodes;

namespace Mxo.Protocol.Tests;

/// <summary>
/// A data file with one thing changed, for the tests of the files validated by JSON path (CombatTableTests,
/// NpcTableTests): each invalid document is the shipped one with one edit, so each case tests exactly one rule.
/// </summary>
internal static class JsonEdits
{
    /// <summary><paramref name="json"/> with <paramref name="change"/> applied.</summary>
    public static string Edit(string json, Action<JsonNode> change)
    {
        var root = JsonNode.Parse(json)!;
        change(root);
        return root.ToJsonString();
    }

    /// <summary>Applies {"op": "set"|"add"|"remove", "path": "a.0.b", "value": …} (add appends to an array).</summary>
    public static void Apply(JsonNode root, JsonNode edit)
    {
        var steps = edit["path"]!.GetValue<string>().Split('.');
        var parent = root;
        foreach (var step in steps[..^1])
            parent = int.TryParse(step, out var i) ? parent[i]! : parent[step]!;
        var last = steps[^1];
        var value = edit["value"]?.DeepClone();
        switch (edit["op"]!.GetValue<string>())
        {
            case "set" when int.TryParse(last, out var i):
                parent[i] = value;
                break;
            case "set":
                parent[last] = value;
                break;
            case "add":
                parent[last]!.AsArray().Add(value);
                break;
            case "remove":
                parent.AsObject().Remove(last);
                break;
        }
    }
}
