using Mxo.Node.Hosting;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>Bad start-up options are refused with a message that names the problem, before anything starts.</summary>
public sealed class NodeStartupTests
{
    [Theory]
    [InlineData(new[] { "--rolez", "world" }, "unknown option '--rolez'")]
    [InlineData(new[] { "--roles", "world,arena" }, "Mxo:Roles")]
    [InlineData(new[] { "--Mxo:World:SnapshotEvery=0" }, "SnapshotEvery must be at least 1")]
    [InlineData(new[] { "--Mxo:Edge:OutboundBuffer=0" }, "OutboundBuffer must be at least 1")]
    [InlineData(new[] { "--persistence", "oracle" }, "Unknown Mxo:Persistence:Provider 'oracle'")]
    [InlineData(new[] { "--persistence", "postgresql" }, "ConnectionString is required")]
    [InlineData(new[] { "--roles", "edge" }, "Mxo:Jwt:SigningKey")]
    [InlineData(new[] { "--roles", "edge", "--Mxo:Jwt:SigningKey=c2hvcnQ=" }, "Mxo:Jwt:SigningKey")]
    public void Refuses_to_start(string[] args, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => MxoNode.Build(args));
        Assert.Contains(message, e.Message);
    }
}
