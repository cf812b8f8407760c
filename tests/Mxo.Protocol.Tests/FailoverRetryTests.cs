using Mxo.Protocol;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>The retry schedule after a world node failed (src/Mxo.Protocol/FailoverRetry.cs).</summary>
public sealed class FailoverRetryTests
{
    [Fact]
    public void Half_a_second_for_the_first_two_seconds_then_doubling_to_four()
    {
        var retry = default(FailoverRetry);
        var delays = new List<double>();
        for (var i = 0; i < 9; i++, retry = retry.Next()) delays.Add(retry.Delay.TotalSeconds);
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 1, 2, 4, 4, 4], delays);
    }

    [Fact]
    public void However_many_tries_the_delay_stays_at_the_longest() =>
        Assert.Equal(FailoverRetry.Longest, new FailoverRetry(int.MaxValue - 1).Delay);
}
