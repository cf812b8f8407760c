using System.Globalization;
using Mxo.Node.Hosting;

namespace Mxo.Bench;

/// <summary>The options of the load commands: <c>--name value</c> pairs, integers, and the journal's write pipeline.</summary>
internal static class BenchArgs
{
    /// <summary>
    /// Hands each <c>--name value</c> pair to <paramref name="take"/>, which answers null when it took it, or what is wrong.
    /// </summary>
    /// <returns>Null, or the first problem, prefixed with the command.</returns>
    public static string? Parse(string command, string[] args, Func<string, string, string?> take)
    {
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return $"{command}: {args[i]} needs a value";
            if (take(args[i], args[i + 1]) is { } problem) return $"{command}: {problem}";
        }
        return null;
    }

    /// <summary>Gives <paramref name="text"/> to <paramref name="set"/> if it is an integer of at least <paramref name="min"/>.</summary>
    public static string? Int(string name, string text, Action<int> set, int min = 1)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            return min == 1 ? $"{name} needs a positive integer" : $"{name} needs an integer of at least {min}";
        set(value);
        return null;
    }

    /// <summary>
    /// The journal's write pipeline (<c>--parallelism</c>, <c>--batch-size</c>, <c>--buffer-size</c>), set on
    /// <paramref name="journal"/>; null for any other name. Unset, they are the node's (<see cref="JournalTuning"/>).
    /// </summary>
    public static Action<int>? Journal(string name, JournalTuning journal) => name switch
    {
        "--parallelism" => value => journal.Parallelism = value,
        "--batch-size" => value => journal.BatchSize = value,
        "--buffer-size" => value => journal.BufferSize = value,
        _ => null,
    };
}
