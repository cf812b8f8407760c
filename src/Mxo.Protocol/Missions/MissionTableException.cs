namespace Mxo.Protocol.Missions;

/// <summary>
/// The mission table cannot be used: the file is missing, is not the expected JSON, or breaks a rule. The message names
/// every problem found, each with its JSON path (<c>$.missions[2].contact: …</c>); <see cref="Problems"/> lists them one
/// by one. A node that gets this refuses to start.
/// </summary>
public sealed class MissionTableException : InvalidOperationException
{
    public MissionTableException(string message) : this(message, [message], null) { }

    public MissionTableException(string message, Exception? inner) : this(message, [message], inner) { }

    public MissionTableException(string message, IReadOnlyList<string> problems, Exception? inner = null) : base(message, inner) =>
        Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    internal static MissionTableException FromProblems(IReadOnlyList<string> problems, string? source = null)
    {
        var prefix = source is null ? "mission table is invalid" : $"mission table file '{source}' is invalid";
        return new MissionTableException(DataFile.ProblemsMessage(prefix, problems), problems);
    }
}
