namespace Mxo.Edge.Auth;

/// <summary>The permissions an access token can carry (claim <c>permissions</c>, a JSON array of these strings).</summary>
public static class Permissions
{
    /// <summary>An ordinary player.</summary>
    public const string Player = "player";

    /// <summary>A game master.</summary>
    public const string Gm = "gm";

    /// <summary>An administrator.</summary>
    public const string Admin = "admin";

    /// <summary>Every known permission.</summary>
    public static IReadOnlyList<string> All { get; } = [Player, Gm, Admin];

    /// <summary>True for <see cref="Player"/>, <see cref="Gm"/> and <see cref="Admin"/> (exact, case-sensitive).</summary>
    public static bool IsKnown(string? permission) =>
        permission is Player or Gm or Admin;
}
