using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Wire;
using Xunit;

namespace Mxo.Edge.Tests;

/// <summary>
/// docs/protocol.md is the client's contract: every client and server frame type, error code and close code in the
/// code is documented there, and everything documented there exists in the code.
/// </summary>
public sealed partial class ProtocolDocsTests
{
    private static readonly string Doc = File.ReadAllText(FindRepoFile("docs/protocol.md"));

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException(relative);
    }

    /// <summary>The backticked first cells of the tables in the section headed <paramref name="heading"/>.</summary>
    private static SortedSet<string> Documented(string heading)
    {
        var start = Doc.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/protocol.md has no section '## {heading}'");
        var end = Doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        var section = end < 0 ? Doc[start..] : Doc[start..end];
        return new SortedSet<string>(FirstCell().Matches(section).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value),
            StringComparer.Ordinal);
    }

    /// <summary>A table row's first cell: a backticked name (`enter`, `busy`) or a close code (4008); never a header.</summary>
    [GeneratedRegex(@"^\|\s*(?:`([a-z_]+)`|([0-9]{4}))\s*\|", RegexOptions.Multiline)]
    private static partial Regex FirstCell();

    private static void AssertSame(SortedSet<string> inCode, SortedSet<string> inDocs)
    {
        Assert.True(inCode.Count > 0 && inDocs.Count > 0, "nothing found to compare");
        Assert.Empty(inCode.Except(inDocs)); // in the code, not in docs/protocol.md
        Assert.Empty(inDocs.Except(inCode)); // in docs/protocol.md, not in the code
    }

    private static SortedSet<string> Constants(Type type) => new(
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)!),
        StringComparer.Ordinal);

    [Fact]
    public void Every_client_frame_type_is_documented_and_every_documented_one_is_read()
    {
        var parser = EdgeTestConfig.WorldFeatures(ActorRefs.Nobody).Parser;
        AssertSame(new SortedSet<string>(parser.FrameTypes, StringComparer.Ordinal), Documented("Client → server"));
    }

    [Fact]
    public void Every_server_frame_type_is_documented_and_every_documented_one_is_written()
    {
        AssertSame(Constants(typeof(ServerFrameTypes)), Documented("Server → client"));
    }

    [Fact]
    public void Every_error_code_is_documented_and_every_documented_one_exists()
    {
        var codes = Constants(typeof(ErrorCodes));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Combat.CombatErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Chat.ChatErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Notifications.NotificationErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Crews.CrewErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Teams.TeamErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Moderation.ModerationErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Orgs.OrgErrorCodes)));
        codes.UnionWith(Constants(typeof(Mxo.Protocol.Missions.MissionErrorCodes)));
        AssertSame(codes, Documented("Errors"));
    }

    [Fact]
    public void Every_close_code_is_documented_and_every_documented_one_exists()
    {
        AssertSame(Constants(typeof(WireProtocol.CloseCodes)), Documented("Close codes"));
    }
}
