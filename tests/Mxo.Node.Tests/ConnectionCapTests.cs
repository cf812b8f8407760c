using Mxo.Node.Hosting;
using Xunit;

namespace Mxo.Node.Tests;

public sealed class ConnectionCapTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max processes             96363                96363                processes
        Max open files            20000                40000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void The_soft_open_file_limit_is_read_from_proc_limits()
    {
        Assert.Equal(20000, ConnectionCap.ParseOpenFileLimit(Limits.Replace("\r\n", "\n", StringComparison.Ordinal)));
        Assert.Null(ConnectionCap.ParseOpenFileLimit(Limits.Replace("20000", "unlimited", StringComparison.Ordinal)));
        Assert.Null(ConnectionCap.ParseOpenFileLimit("Limit Soft Hard Units\n"));
        // This machine's own file parses (the tests run on Linux).
        Assert.True(ConnectionCap.ReadOpenFileLimit() is null or > 0);
    }

    [Theory]
    [InlineData(null, 20000L, 15000L)] // the open-file limit less a quarter
    [InlineData(null, 2000L, 976L)]    // less at least 1,024
    [InlineData(null, 1050L, 64L)]     // never below the floor
    [InlineData(500, 20000L, 500L)]    // a configured cap wins
    [InlineData(null, null, null)]     // no limit known: none
    public void The_cap_is_the_setting_or_the_open_file_limit_less_the_reserve(int? configured, long? limit, long? expected) =>
        Assert.Equal(expected, ConnectionCap.Of(configured, limit));

    [Theory]
    [InlineData(15000L, 13125L, 1875L)]
    [InlineData(16L, 14L, 2L)]
    [InlineData(1L, 1L, 1L)]
    public void Seven_eighths_are_player_sockets(long cap, long sockets, long other) =>
        Assert.Equal((sockets, other), ConnectionCap.Split(cap));
}
