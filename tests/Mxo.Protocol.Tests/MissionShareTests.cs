using Mxo.Protocol.Missions;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>Team missions pass mission events between members as text: every event reads back as itself, and garbage reads as nothing.</summary>
public sealed class MissionShareTests
{
    public static TheoryData<MissionEvent> Events() =>
    [
        new Talked("zion-tyndall"),
        new Reached(new DistrictId("richland"), new Vec3(-1480.125, 0.5, 146.0000001)),
        new Defeated("bluepill"),
        new Looted("stolen-keycard", "bluepill"),
        new Got("payphone-log", "richland-payphone-terminal"),
        new Gave("stolen-keycard", "merovingian-lurker"),
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_reads_back_as_itself(MissionEvent e) => Assert.Equal(e, MissionShare.Decode(MissionShare.Encode(e)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("talk")]
    [InlineData("dance\tnow")]
    [InlineData("reach\trichland\tx\t0\t0")]
    [InlineData("give\tonly-item")]
    public void Anything_else_reads_as_nothing(string? text) => Assert.Null(MissionShare.Decode(text));
}
