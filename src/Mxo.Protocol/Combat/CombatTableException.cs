namespace Mxo.Protocol.Combat;

/// <summary>
/// The combat table cannot be used: the file is missing, is not the expected JSON, or breaks a rule. The message names
/// every problem found, each with its JSON path (<c>$.tactics[2].beats[0]: …</c>); <see cref="Problems"/> lists them
/// one by one.
/// </summary>
public sealed class CombatTableException : InvalidOperationException
{
    public CombatTableException(string message) : this(message, [message], null) { }

    public CombatTableException(string message, Exception? inner) : this(message, [message], inner) { }

    public CombatTableException(string message, IReadOnlyList<string> problems, Exception? inner = null) : base(message, inner) =>
        Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    internal static CombatTableException FromProblems(IReadOnlyList<string> problems, string? source = null)
    {
        var prefix = source is null ? "combat table is invalid" : $"combat table file '{source}' is invalid";
        return new CombatTableException(DataFile.ProblemsMessage(prefix, problems), problems);
    }
}
