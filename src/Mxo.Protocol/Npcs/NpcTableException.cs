namespace Mxo.Protocol.Npcs;

/// <summary>
/// The NPC table cannot be used: the file is missing, is not the expected JSON, or breaks a rule. The message names every
/// problem found, each with its JSON path (<c>$.spawns[2].district: …</c>); <see cref="Problems"/> lists them one by
/// one. A node that gets this refuses to start.
/// </summary>
public sealed class NpcTableException : InvalidOperationException
{
    public NpcTableException(string message) : this(message, [message], null) { }

    public NpcTableException(string message, Exception? inner) : this(message, [message], inner) { }

    public NpcTableException(string message, IReadOnlyList<string> problems, Exception? inner = null) : base(message, inner) =>
        Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    internal static NpcTableException FromProblems(IReadOnlyList<string> problems, string? source = null)
    {
        var prefix = source is null ? "NPC table is invalid" : $"NPC table file '{source}' is invalid";
        return new NpcTableException(DataFile.ProblemsMessage(prefix, problems), problems);
    }
}
