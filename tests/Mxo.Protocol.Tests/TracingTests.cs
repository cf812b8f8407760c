using System.Diagnostics;
using Mxo.Protocol.Players;
using Mxo.Protocol.Serialization;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>The trace context in messages (docs/operations.md, "Tracing"): taken from the current span, round-tripped.</summary>
public sealed class TracingTests : Akka.TestKit.Xunit2.TestKit
{
    public TracingTests() : base(SerializerTests.Hocon)
    {
    }

    [Fact]
    public void A_traced_message_made_without_a_current_span_carries_no_trace_context()
    {
        Assert.Null(Activity.Current);
        var say = new PlayerCommands.Say(Samples.Neo, "hello", "cmd-1");
        Assert.Null(say.TraceParent);
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerFor(say);
        var back = (PlayerCommands.Say)mxo.FromBinary(mxo.ToBinary(say), mxo.Manifest(say));
        Assert.Null(back.TraceParent);
    }

    [Fact]
    public void A_traced_message_made_inside_a_span_carries_that_span_and_keeps_it_across_the_wire()
    {
        // A plain Activity (no listener needed): what the edge's request span is to the message made in it.
        using var span = new Activity("mxo.request say").SetIdFormat(ActivityIdFormat.W3C).Start();
        var say = new PlayerCommands.Say(Samples.Neo, "hello", "cmd-1");
        span.Stop();
        Assert.Equal(span.Id, say.TraceParent);
        Assert.Equal($"00-{span.TraceId}-{span.SpanId}-00", say.TraceParent);

        // Received on another node, where some other span may be current: the message's own context is what it has.
        using var elsewhere = new Activity("unrelated").SetIdFormat(ActivityIdFormat.W3C).Start();
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerFor(say);
        var back = (PlayerCommands.Say)mxo.FromBinary(mxo.ToBinary(say), mxo.Manifest(say));
        Assert.Equal(span.Id, back.TraceParent);
    }

    [Fact]
    public void Every_traced_message_type_has_a_sample_with_its_trace_context_set()
    {
        var traced = typeof(ITraced).Assembly.GetTypes()
            .Where(t => typeof(ITraced).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .OrderBy(t => t.FullName).ToArray();
        Assert.NotEmpty(traced);
        var samples = Samples.Traced(TestActor).Cast<ITraced>().ToArray();
        Assert.Equal(traced, samples.Select(s => s.GetType()).OrderBy(t => t.FullName));
        Assert.All(samples, s => Assert.Equal(Samples.TraceParent, s.TraceParent));
        // Each names its receiver's span "<entity> <command>".
        Assert.All(samples, s => Assert.Matches("^(player|district) [a-z_ ]+$", s.SpanName));
        // Nothing persisted carries a trace context (golden files stay as they are).
        Assert.DoesNotContain(traced, t => typeof(IMxoEvent).IsAssignableFrom(t));
    }
}
