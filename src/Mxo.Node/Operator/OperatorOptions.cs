using System.Net;
using System.Text;
using Mxo.Actors;

namespace Mxo.Node.Operator;

/// <summary>
/// The operator command listener (<c>Mxo:Operator</c>, docs/operations.md): pbm-style cluster commands over HTTP + JSON,
/// on its own address, apart from the players' edge.
/// </summary>
public sealed record OperatorOptions : ICheckedSettings
{
    public const string SectionName = "Mxo:Operator";

    /// <summary>Where operator commands are served; empty turns the listener off.</summary>
    public string Url { get; init; } = "http://127.0.0.1:9110";

    /// <summary>
    /// The key every request must carry (<c>Authorization: Bearer &lt;key&gt;</c>). Required, at least 32 bytes, when
    /// <see cref="Url"/> is not a loopback address; give it through the environment (<c>MXO__Operator__Key</c>), never
    /// in a file in the repository.
    /// </summary>
    public string Key { get; init; } = "";

    public const int MinKeyBytes = 32;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public Uri? Uri => Enabled && Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri : null;

    public IReadOnlyList<string> Problems()
    {
        var problems = new ProblemList(SectionName);
        if (!Enabled) return problems.ToList();
        if (Uri is not { Scheme: "http" } uri || uri.AbsolutePath != "/")
            return problems.Require(false, $"Url must be an http URL without a path (e.g. http://127.0.0.1:9110), got '{Url}'").ToList();
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
        return problems
            .Require(loopback || Encoding.UTF8.GetByteCount(Key) >= MinKeyBytes,
                $"Key (at least {MinKeyBytes} bytes, from the environment) is required when Url is not a loopback address ('{Url}')")
            .Require(Key.Length == 0 || Encoding.UTF8.GetByteCount(Key) >= MinKeyBytes, $"Key must be at least {MinKeyBytes} bytes when set")
            .ToList();
    }
}
