using System.Runtime.CompilerServices;
using Akka.Streams;
using Akka.Streams.Stage;
using static Mxo.Edge.SessionProtocol;

namespace Mxo.Edge;

/// <summary>
/// The socket reader as a stream source: each pull reads one client message. A read that completes at once (the message
/// was already in the WebSocket's buffer, as when a client sends several frames together) is pushed at once, on the
/// stream's own turn; only a read that has to wait for the network comes back through an async callback. (Akka.Streams'
/// <c>Source.UnfoldAsync</c> sends every result, even one already there, through a task continuation and a message to
/// the stream actor: a thread-pool hop and an actor hop per frame.) A null read completes the source; a marker that ends
/// the reading (<see cref="FrameTooBig"/>, <see cref="BinaryFrame"/>) is pushed and then completes it.
/// </summary>
internal sealed class SocketReadSource : GraphStage<SourceShape<Inbound>>
{
    private readonly Func<ValueTask<Inbound?>> _read;
    private readonly Outlet<Inbound> _out = new("SocketRead.out");

    public SocketReadSource(Func<ValueTask<Inbound?>> read)
    {
        _read = read;
        Shape = new SourceShape<Inbound>(_out);
    }

    public override SourceShape<Inbound> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly SocketReadSource _stage;
        private Action<(Inbound? Frame, Exception? Error)> _completed = _ => { };

        public Logic(SocketReadSource stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._out, this);
        }

        public override void PreStart() => _completed = GetAsyncCallback<(Inbound? Frame, Exception? Error)>(Deliver);

        public override void OnPull()
        {
            ValueTask<Inbound?> pending;
            try
            {
                pending = _stage._read();
            }
            catch (Exception e)
            {
                FailStage(e);
                return;
            }
            var awaiter = pending.ConfigureAwait(false).GetAwaiter();
            if (awaiter.IsCompleted) Deliver(Take(awaiter));
            else awaiter.UnsafeOnCompleted(() => _completed(Take(awaiter)));
        }

        private static (Inbound?, Exception?) Take(ConfiguredValueTaskAwaitable<Inbound?>.ConfiguredValueTaskAwaiter awaiter)
        {
            try
            {
                return (awaiter.GetResult(), null);
            }
            catch (Exception e)
            {
                return (null, e);
            }
        }

        private void Deliver((Inbound? Frame, Exception? Error) read)
        {
            if (read.Error is not null) FailStage(read.Error);
            else if (read.Frame is null) CompleteStage();
            else
            {
                Push(_stage._out, read.Frame);
                // Complete after a push: the element is delivered first.
                if (read.Frame is not TextFrame) Complete(_stage._out);
            }
        }
    }
}
