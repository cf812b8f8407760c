namespace Mxo.Protocol.World;

/// <summary>
/// The world data file cannot be used: it is missing, is not the expected JSON, or breaks a rule of the map. The message
/// names every problem found; <see cref="Problems"/> lists them one by one. A node that gets this refuses to start.
/// </summary>
public sealed class WorldMapException : InvalidOperationException
{
    public WorldMapException(string message) : this(message, [message], null) { }

    public WorldMapException(string message, Exception? inner) : this(message, [message], inner) { }

    public WorldMapException(string message, IReadOnlyList<string> problems, Exception? inner = null) : base(message, inner) =>
        Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    internal static WorldMapException FromProblems(IReadOnlyList<string> problems, string? source = null)
    {
        var prefix = source is null ? "world map is invalid" : $"world data file '{source}' is invalid";
        return new WorldMapException(DataFile.ProblemsMessage(prefix, problems), problems);
    }
}
