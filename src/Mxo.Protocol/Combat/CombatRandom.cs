namespace Mxo.Protocol.Combat;

/// <summary>
/// The combat rules' source of randomness: SplitMix64 (Steele, Lea and Flood; the generator Java's SplittableRandom and
/// xoshiro's seeding use) as an immutable value whose whole state is one <see cref="ulong"/>. Each draw returns the value
/// and the next generator, so an encounter keeps its generator in its persisted state and a replayed or failed-over fight
/// rolls exactly the same dice. The rules never use <see cref="System.Random"/>, whose sequence is not specified.
/// </summary>
/// <param name="State">The whole state; any value is a valid generator (a seed is just a first state).</param>
public readonly record struct CombatRandom(ulong State)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>The next 64 random bits.</summary>
    public (ulong Value, CombatRandom Next) NextUInt64()
    {
        var state = unchecked(State + Gamma);
        return (Mix(state), new CombatRandom(state));
    }

    /// <summary>
    /// A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>], without modulo bias
    /// (Lemire's multiply-and-reject: a few values of 2^64 are drawn again, so a draw may use more than one step).
    /// </summary>
    public (int Value, CombatRandom Next) NextInt(int minInclusive, int maxInclusive)
    {
        if (maxInclusive < minInclusive)
            throw new ArgumentOutOfRangeException(nameof(maxInclusive), maxInclusive, $"must be at least {minInclusive}");
        var range = (ulong)((long)maxInclusive - minInclusive + 1);
        var threshold = unchecked(0 - range) % range; // 2^64 mod range
        var next = this;
        while (true)
        {
            (var bits, next) = next.NextUInt64();
            var high = Math.BigMul(bits, range, out var low);
            if (low >= threshold) return ((int)((long)minInclusive + (long)high), next);
        }
    }

    /// <summary>A D100 roll: 1 to 100, each equally likely.</summary>
    public (int Value, CombatRandom Next) D100() => NextInt(1, 100);

    /// <summary>A uniform double in [0, 1), from the top 53 bits of one draw.</summary>
    public (double Value, CombatRandom Next) NextDouble()
    {
        var (bits, next) = NextUInt64();
        return ((bits >> 11) * (1.0 / (1UL << 53)), next);
    }

    /// <summary>
    /// A second generator seeded from one draw of this one, for a stream of its own (one per fighter in a round, so what
    /// one fighter rolls never shifts the other's dice), and this generator moved past that draw.
    /// </summary>
    public (CombatRandom Child, CombatRandom Next) Split()
    {
        var (bits, next) = NextUInt64();
        return (new CombatRandom(bits), next);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
