using System.Runtime.CompilerServices;
using Mxo.Protocol.Combat;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>The combat generator: SplitMix64's published outputs, one ulong of state, unbiased ranges.</summary>
public sealed class CombatRandomTests
{
    [Fact]
    public void It_is_splitmix64()
    {
        // The reference implementation's outputs (splitmix64.c; also rand_xoshiro's SplitMix64 test vectors).
        Assert.Equal(0xE220A8397B1DCDAFUL, new CombatRandom(0).NextUInt64().Value);

        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        var random = new CombatRandom(1234567);
        foreach (var e in expected)
        {
            (var value, random) = random.NextUInt64();
            Assert.Equal(e, value);
        }
    }

    [Fact]
    public void Its_whole_state_is_one_ulong_and_a_draw_leaves_the_old_value_unchanged()
    {
        Assert.Equal(sizeof(ulong), Unsafe.SizeOf<CombatRandom>());
        var start = new CombatRandom(42);
        var (first, next) = start.NextUInt64();
        Assert.Equal(new CombatRandom(42), start);
        Assert.NotEqual(start, next);
        Assert.Equal(first, start.NextUInt64().Value); // the same generator draws the same value again
        Assert.Equal(next.NextUInt64(), new CombatRandom(next.State).NextUInt64()); // State alone restores it
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(99UL)]
    [InlineData(0xDEADBEEFUL)]
    public void D100_is_one_to_a_hundred_and_about_uniform(ulong seed)
    {
        var counts = new int[101];
        var random = new CombatRandom(seed);
        const int draws = 100_000;
        for (var i = 0; i < draws; i++)
        {
            (var roll, random) = random.D100();
            Assert.InRange(roll, 1, 100);
            counts[roll]++;
        }
        Assert.Equal(0, counts[0]);
        // Each face expects 1,000; a fair die stays within ±200 (over 6 standard deviations) on every face.
        for (var face = 1; face <= 100; face++)
            Assert.InRange(counts[face], 800, 1200);
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void Ranges_and_doubles_stay_within_their_bounds(ulong seed)
    {
        var random = new CombatRandom(seed);
        var sawMin = false;
        var sawMax = false;
        for (var i = 0; i < 10_000; i++)
        {
            (var small, random) = random.NextInt(-3, 3);
            Assert.InRange(small, -3, 3);
            sawMin |= small == -3;
            sawMax |= small == 3;
            (var wide, random) = random.NextInt(int.MinValue, int.MaxValue);
            Assert.InRange(wide, int.MinValue, int.MaxValue);
            (var u, random) = random.NextDouble();
            Assert.True(u is >= 0 and < 1, $"{u}");
        }
        Assert.True(sawMin && sawMax);
        Assert.Equal((7, random.NextUInt64().Next), random.NextInt(7, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(2, 1));
    }

    [Fact]
    public void A_split_stream_differs_from_its_parent()
    {
        var (child, parent) = new CombatRandom(5).Split();
        var a = new List<ulong>();
        var b = new List<ulong>();
        for (var i = 0; i < 100; i++)
        {
            (var x, child) = child.NextUInt64();
            (var y, parent) = parent.NextUInt64();
            a.Add(x);
            b.Add(y);
        }
        Assert.Empty(a.Intersect(b));
    }
}
