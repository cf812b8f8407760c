using System.Net;
using Mxo.Actors.Accounts;
using Mxo.Edge.Auth;
using Mxo.Edge.Http;
using Mxo.Protocol.Accounts;
using Xunit;
using AddressThrottle = Mxo.Edge.Auth.LoginThrottle;

namespace Mxo.IntegrationTests;

/// <summary>The edge's per-address login throttle, with a hand-moved clock.</summary>
public sealed class AuthLoginThrottleTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private AddressThrottle Throttle(int maxAddresses = 1000) =>
        new(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), maxAddresses, _clock);

    [Fact]
    public void The_third_failure_in_the_window_blocks_the_address_for_the_block_duration()
    {
        var throttle = Throttle();
        Assert.Null(throttle.RecordFailure("10.0.0.1"));
        Assert.Null(throttle.RecordFailure("10.0.0.1"));
        Assert.Null(throttle.BlockedFor("10.0.0.1"));
        Assert.Equal(TimeSpan.FromMinutes(5), throttle.RecordFailure("10.0.0.1"));
        Assert.Equal(TimeSpan.FromMinutes(5), throttle.BlockedFor("10.0.0.1"));
        Assert.Null(throttle.BlockedFor("10.0.0.2"));

        _clock.Now += TimeSpan.FromMinutes(4);
        Assert.Equal(TimeSpan.FromMinutes(1), throttle.BlockedFor("10.0.0.1"));
        _clock.Now += TimeSpan.FromMinutes(1);
        Assert.Null(throttle.BlockedFor("10.0.0.1"));
        // The count restarted with the block.
        Assert.Null(throttle.RecordFailure("10.0.0.1"));
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var throttle = Throttle();
        throttle.RecordFailure("10.0.0.1");
        throttle.RecordFailure("10.0.0.1");
        _clock.Now += TimeSpan.FromMinutes(10);
        Assert.Null(throttle.RecordFailure("10.0.0.1"));
        Assert.Null(throttle.BlockedFor("10.0.0.1"));
    }

    [Fact]
    public void Memory_is_bounded_and_expired_entries_are_swept()
    {
        var throttle = Throttle(maxAddresses: 100);
        for (var i = 0; i < 3; i++) throttle.RecordFailure("blocked");
        for (var i = 0; i < 1000; i++)
        {
            _clock.Now += TimeSpan.FromMilliseconds(1);
            throttle.RecordFailure($"10.1.{i / 256}.{i % 256}");
        }
        Assert.InRange(throttle.TrackedAddresses, 1, 100);
        // Expired entries are swept on their own.
        _clock.Now += TimeSpan.FromMinutes(11);
        throttle.RecordFailure("10.9.9.9");
        Assert.Equal(1, throttle.TrackedAddresses);
    }

    [Fact]
    public async Task It_is_thread_safe()
    {
        var throttle = new AddressThrottle(1_000_000, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), 1000, _clock);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++) throttle.RecordFailure($"a{(t * 10_000 + i) % 50}");
        })));
        Assert.Equal(50, throttle.TrackedAddresses);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    public void Addresses_are_keyed_by_ipv4_or_ipv6_slash_64(string address, string key) =>
        Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address)));
}

/// <summary>The client's refresh token wraps the account's, naming the account.</summary>
public sealed class AuthRefreshTokenCodecTests
{
    [Fact]
    public void Round_trip()
    {
        var inner = RefreshTokens.NewToken(RefreshTokens.NewFamilyId());
        var wrapped = RefreshTokenCodec.Wrap(new AccountId("neo.anderson"), inner);
        Assert.StartsWith("r1.", wrapped);
        Assert.True(RefreshTokenCodec.TryUnwrap(wrapped, out var account, out var unwrapped));
        Assert.Equal(("neo.anderson", inner), (account.Value, unwrapped));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("r2.bmVv.x")]
    [InlineData("r1.bmVv")]
    [InlineData("r1.bmVv.")]
    [InlineData("r1.TmVv.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // "Neo": not a normalised id
    [InlineData("r1.bmVw.AAAAAAAAAAAAAAAAAAAAAA")] // no secret
    [InlineData("r1.b!Vv.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Garbage_does_not_unwrap(string? token) =>
        Assert.False(RefreshTokenCodec.TryUnwrap(token, out _, out _));

    [Fact]
    public void Over_long_tokens_do_not_unwrap() =>
        Assert.False(RefreshTokenCodec.TryUnwrap("r1.bmVv." + new string('A', 300), out _, out _));
}
