using Mxo.Actors.World;
using Mxo.Protocol;
using Xunit;

namespace Mxo.Actors.Tests.World;

/// <summary>
/// The speed check (issue 4). Property-style: many seeded random clients (System.Random, fixed seeds, so every failure
/// replays), plus the named corner cases.
/// </summary>
public sealed class MovementRulesTests
{
    private static readonly MovementSettings Settings = MovementSettings.Default;
    private const double Jitter = 0.2; // seconds, the 200 ms
    private static readonly Vec3 Origin = new(100, 0, 100);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A client-side sample: sent at <see cref="Sent"/> (client clock = server clock here), received at <see cref="Arrived"/>.</summary>
    private readonly record struct Packet(double Sent, double Arrived, Vec3 Position);

    /// <summary>
    /// A legitimate client: moves at most <paramref name="speed"/> (mostly exactly it, sometimes slower or standing),
    /// in random 3-D directions (mostly on the ground), sends every 50–200 ms, and each packet is delayed 0–200 ms on the
    /// way. The socket is ordered, so a packet never arrives before the one sent ahead of it.
    /// </summary>
    private static List<Packet> LegitimateClient(Random rng, double duration, double speed, double firstDelay)
    {
        var packets = new List<Packet>();
        var position = Origin;
        double sent = 0, arrived = firstDelay;
        var heading = rng.NextDouble() * 2 * Math.PI;
        while (sent < duration)
        {
            var interval = 0.05 + rng.NextDouble() * 0.15;
            sent += interval;
            if (rng.NextDouble() < 0.3) heading = rng.NextDouble() * 2 * Math.PI;
            var pace = rng.NextDouble() switch { < 0.8 => speed, < 0.9 => speed * rng.NextDouble(), _ => 0 };
            var climb = rng.NextDouble() < 0.2 ? rng.NextDouble() * 2 - 1 : 0; // some moves go up or down stairs
            var dir = new Vec3(Math.Cos(heading), climb, Math.Sin(heading));
            var norm = Math.Sqrt(dir.X * dir.X + dir.Y * dir.Y + dir.Z * dir.Z);
            var step = pace * interval / norm;
            position = new Vec3(position.X + dir.X * step, position.Y + dir.Y * step, position.Z + dir.Z * step);
            arrived = Math.Max(arrived, sent + rng.NextDouble() * Jitter);
            packets.Add(new Packet(sent, arrived, position));
        }
        return packets;
    }

    private static (int Refused, double FirstRefusalAt, MovementTracker Tracker) Play(IEnumerable<Packet> packets, double startAt)
    {
        var tracker = MovementTracker.Start(Origin, At(startAt));
        var refused = 0;
        var first = double.NaN;
        foreach (var p in packets)
        {
            var decision = MovementRules.Decide(tracker, p.Position, At(p.Arrived), Settings);
            tracker = decision.Tracker;
            if (decision.Accepted) continue;
            refused++;
            if (double.IsNaN(first)) first = p.Arrived;
        }
        return (refused, first, tracker);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(2000)]
    [InlineData(3000)]
    public void A_legitimate_client_at_20_units_per_second_with_200ms_jitter_is_never_refused(int firstSeed)
    {
        for (var seed = firstSeed; seed < firstSeed + 100; seed++)
        {
            var rng = new Random(seed);
            // The server may stamp the start up to one jitter late relative to the client's clock, or not at all.
            var firstDelay = rng.NextDouble() * Jitter;
            var packets = LegitimateClient(rng, duration: 60, speed: Settings.MaxSpeed, firstDelay);
            var (refused, at, _) = Play(packets, firstDelay);
            Assert.True(refused == 0, $"seed {seed}: {refused} legitimate moves refused, first at {at:0.000} s");
        }
    }

    [Fact]
    public void Bunched_packets_after_a_delay_are_accepted()
    {
        // Sent every 200 ms at exactly 20 units/s; one packet is held up 200 ms, so the next arrives 0 ms after it,
        // following a 400 ms silence. Repeated back to back for 30 s.
        var packets = new List<Packet>();
        for (var i = 1; i <= 150; i++)
        {
            var sent = i * 0.2;
            var arrived = i % 2 == 1 ? sent + 0.2 : sent; // odd ones late, even ones on time (0 ms after the late one)
            packets.Add(new Packet(sent, arrived, Origin with { X = Origin.X + 20 * sent }));
        }
        Assert.Equal(0, Play(packets, 0).Refused);
    }

    [Fact]
    public void The_worst_case_the_budget_is_sized_for_is_accepted_exactly_at_the_limit()
    {
        // A send gap of exactly MaxSendInterval received with the full jitter, then the next packet on time: the move
        // that ends the gap spends 20 × 0.25 = 5 units and the next one finds the budget at exactly what it needs.
        var gap = Settings.MaxSendInterval.TotalSeconds;
        var packets = new List<Packet>
        {
            new(gap, gap + Jitter, Origin with { X = Origin.X + 20 * gap }),
        };
        for (var i = 1; i <= 20; i++)
        {
            var sent = gap + i * 0.05;
            packets.Add(new Packet(sent, Math.Max(gap + Jitter, sent), Origin with { X = Origin.X + 20 * sent }));
        }
        Assert.Equal(0, Play(packets, 0).Refused);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(30)]
    [InlineData(40)]
    public void Sustained_overspeed_is_refused(double speed)
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var rng = new Random(seed);
            // The same send pattern and jitter as a legitimate client, but always moving, in a straight line, too fast.
            var straight = LegitimateClient(rng, duration: 10, speed, firstDelay: 0)
                .Select(p => p with { Position = Origin with { X = Origin.X + speed * p.Sent } })
                .ToList();
            var (refused, firstAt, _) = Play(straight, 0);
            Assert.True(refused > 0, $"seed {seed}: {speed} units/s never refused");
            // Accepted distance ≤ C + v·t, so the first refusal comes by C/(speed − v) plus one jitter and one packet gap.
            var bound = Settings.BudgetCapacity / (speed - Settings.MaxSpeed) + Jitter + 0.2;
            Assert.True(firstAt <= bound, $"seed {seed}: first refusal at {firstAt:0.00} s, bound {bound:0.00} s");
        }
    }

    [Fact]
    public void Thirty_units_per_second_at_20_Hz_is_refused_within_a_second()
    {
        var packets = Enumerable.Range(1, 40)
            .Select(i => new Packet(i * 0.05, i * 0.05, Origin with { Z = Origin.Z + 30 * i * 0.05 }));
        var (refused, firstAt, tracker) = Play(packets, 0);
        Assert.True(firstAt < 1.0, $"first refusal at {firstAt:0.00} s");
        Assert.True(refused >= 20);
        Assert.True(tracker.TotalOffences >= 20);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Whatever_a_client_sends_the_accepted_distance_is_bounded_by_the_speed_plus_one_burst(int seed)
    {
        // A cheater that honours corrections (restarts from the authoritative position) and mixes walking, speeding,
        // jumps and long pauses: over any stretch of server time T the accepted path is at most C + v·T long.
        var rng = new Random(seed);
        var tracker = MovementTracker.Start(Origin, TimeSpan.Zero);
        var accepted = new List<(double At, double Travelled)> { (0, 0) };
        double now = 0, travelled = 0;
        for (var i = 0; i < 10_000; i++)
        {
            now += rng.NextDouble() < 0.05 ? rng.NextDouble() * 2 : rng.NextDouble() * 0.1;
            var reach = rng.NextDouble() switch { < 0.6 => 2.0, < 0.9 => 6.0, < 0.98 => 12.0, _ => 100.0 };
            var from = tracker.Position;
            var to = new Vec3(from.X + (rng.NextDouble() * 2 - 1) * reach, from.Y, from.Z + (rng.NextDouble() * 2 - 1) * reach);
            var decision = MovementRules.Decide(tracker, to, At(now), Settings);
            tracker = decision.Tracker;
            if (!decision.Accepted) continue;
            travelled += from.DistanceTo(to);
            accepted.Add((now, travelled));
        }
        // Moves i+1..j spend at most what was left after move i (≤ C) plus what accrued in between.
        for (var i = 0; i < accepted.Count; i++)
        {
            for (var j = i + 1; j < accepted.Count && j <= i + 200; j++)
            {
                var distance = accepted[j].Travelled - accepted[i].Travelled;
                var time = accepted[j].At - accepted[i].At;
                var bound = Settings.BudgetCapacity + Settings.MaxSpeed * time + MovementRules.Tolerance * (j - i);
                if (distance > bound) Assert.Fail($"seed {seed}: {distance:0.000} units accepted in {time:0.000} s (bound {bound:0.000})");
            }
        }
        Assert.True(accepted.Count > 1000, "the random client should get plenty of moves accepted");
    }

    [Fact]
    public void A_single_teleport_like_jump_is_refused_and_the_position_stays()
    {
        var tracker = MovementTracker.Start(Origin, At(0));
        var jump = MovementRules.Decide(tracker, Origin with { X = Origin.X + 50 }, At(0.1), Settings);
        Assert.False(jump.Accepted);
        Assert.Equal(MoveRefusal.TooFast, jump.Refusal);
        Assert.Equal(Origin, jump.AuthoritativePosition);
        Assert.Equal(Origin, jump.Tracker.Position);
        Assert.Equal(1, jump.Tracker.TotalOffences);

        // Idling does not bank distance beyond one burst: after a minute a 15-unit jump is still refused...
        var idle = MovementRules.Decide(jump.Tracker, Origin with { Z = Origin.Z + 15 }, At(60), Settings);
        Assert.False(idle.Accepted);
        // ...while a normal step from the authoritative position is fine.
        var step = MovementRules.Decide(idle.Tracker, Origin with { Z = Origin.Z + 1 }, At(60.05), Settings);
        Assert.True(step.Accepted);
        Assert.Equal(Origin with { Z = Origin.Z + 1 }, step.AuthoritativePosition);
    }

    [Fact]
    public void Offences_are_counted_and_repeat_offenders_flagged_for_a_bounded_log()
    {
        var tracker = MovementTracker.Start(Origin, At(0));
        var logged = new List<int>();
        for (var i = 1; i <= 9; i++)
        {
            var d = MovementRules.Decide(tracker, Origin with { X = Origin.X + 500 }, At(i * 0.1), Settings);
            Assert.False(d.Accepted);
            tracker = d.Tracker;
            Assert.Equal(i, tracker.ConsecutiveOffences);
            Assert.Equal(i, tracker.TotalOffences);
            Assert.Equal(i >= 3, d.IsRepeatOffender(Settings));
            if (d.ShouldLog) logged.Add(i);
        }
        // One log line per window, however many refusals follow (issue 7: a flood of refused moves flooded the log).
        Assert.Equal([3], logged);
        Assert.Equal(9, tracker.RecentOffences);

        var ok = MovementRules.Decide(tracker, Origin with { X = Origin.X + 1 }, At(1), Settings);
        Assert.True(ok.Accepted);
        Assert.Equal(0, ok.Tracker.ConsecutiveOffences);
        Assert.Equal(9, ok.Tracker.TotalOffences);

        // A new window after OffenceWindow: the recent count starts over, the total does not.
        var later = MovementRules.Decide(ok.Tracker, Origin with { X = Origin.X + 500 }, At(30), Settings);
        Assert.Equal(1, later.Tracker.RecentOffences);
        Assert.Equal(10, later.Tracker.TotalOffences);
        Assert.False(later.ShouldLog);
        // ...and that window logs once too, when it reaches the threshold.
        var next = MovementRules.Decide(later.Tracker, Origin with { X = Origin.X + 500 }, At(30.1), Settings);
        var third = MovementRules.Decide(next.Tracker, Origin with { X = Origin.X + 500 }, At(30.2), Settings);
        Assert.Equal((false, true), (next.ShouldLog, third.ShouldLog));
    }

    [Fact]
    public void A_teleport_resets_position_and_budget_but_keeps_the_record()
    {
        var tracker = MovementTracker.Start(Origin, At(0));
        tracker = MovementRules.Decide(tracker, Origin with { X = 5000 }, At(0.1), Settings).Tracker;
        Assert.Equal(1, tracker.TotalOffences);

        var hardline = new Vec3(5000, 10, 5000);
        tracker = MovementRules.Teleport(tracker, hardline, At(0.2), Settings);
        Assert.Equal(hardline, tracker.Position);
        Assert.Equal(Settings.BudgetCapacity, tracker.Budget);
        Assert.Equal(1, tracker.TotalOffences);

        Assert.True(MovementRules.Decide(tracker, hardline with { X = 5003 }, At(0.25), Settings).Accepted);
        Assert.False(MovementRules.Decide(tracker, Origin, At(0.25), Settings).Accepted);
    }

    [Fact]
    public void Absurd_positions_are_refused_and_standing_still_is_free()
    {
        var tracker = MovementTracker.Start(Origin, At(0));
        var nan = MovementRules.Decide(tracker, new Vec3(double.NaN, 0, 0), At(1), Settings);
        Assert.False(nan.Accepted);
        Assert.Equal(MoveRefusal.InvalidPosition, nan.Refusal);
        Assert.Equal(Origin, nan.AuthoritativePosition);

        var still = tracker;
        for (var i = 0; i < 100; i++)
        {
            var d = MovementRules.Decide(still, Origin, At(0), Settings); // same instant, same place
            Assert.True(d.Accepted);
            still = d.Tracker;
        }
        Assert.Equal(Settings.BudgetCapacity, still.Budget);
    }

    [Fact]
    public void A_clock_that_goes_backwards_grants_no_distance()
    {
        var tracker = MovementTracker.Start(Origin, At(10));
        tracker = MovementRules.Decide(tracker, Origin with { X = Origin.X + 9 }, At(10), Settings).Tracker; // spends the burst
        var back = MovementRules.Decide(tracker, Origin with { X = Origin.X + 10 }, At(5), Settings);
        Assert.False(back.Accepted);
        Assert.Equal(At(10), back.Tracker.At);
    }
}
