namespace Mxo.Actors;

/// <summary>
/// An options record the node reads at start-up (<c>Mxo</c>, <c>Mxo:World</c>, <c>Mxo:WorldClock</c>, <c>Mxo:Edge</c>,
/// <c>Mxo:Accounts</c>, <c>Mxo:Security</c>, <c>Mxo:Jwt</c>, and every later one). It says what is wrong with itself,
/// one message per problem, each naming its configuration key; the node refuses to start on any (exit code 2).
/// </summary>
public interface ICheckedSettings
{
    IReadOnlyList<string> Problems();
}

/// <summary>Checks options records together, so that every problem is reported at once.</summary>
public static class SettingsCheck
{
    /// <summary>
    /// Throws one <see cref="InvalidOperationException"/> (the node's "refuse to start", exit code 2) whose message lists
    /// every problem of <paramref name="settings"/>, one per line after a count when there are several.
    /// </summary>
    public static void ThrowIfAny(params ICheckedSettings[] settings)
    {
        var problems = settings.SelectMany(s => s.Problems()).ToList();
        if (problems.Count == 0) return;
        throw new InvalidOperationException(problems.Count == 1
            ? problems[0]
            : $"{problems.Count} configuration problems:" + string.Concat(problems.Select(p => "\n  - " + p)));
    }
}

/// <summary>Collects problems for one configuration section.</summary>
public sealed class ProblemList(string section)
{
    private readonly List<string> _problems = [];

    /// <summary>Adds <c>section:problem</c> unless <paramref name="ok"/>.</summary>
    public ProblemList Require(bool ok, string problem)
    {
        if (!ok) _problems.Add(section + ":" + problem);
        return this;
    }

    /// <summary>Adds problems that already carry their full key.</summary>
    public ProblemList AddRange(IEnumerable<string> problems)
    {
        _problems.AddRange(problems);
        return this;
    }

    public IReadOnlyList<string> ToList() => _problems;
}
