using Mxo.Actors.Limits;

namespace Mxo.Edge;

/// <summary>
/// A session's limits on what its client may send and on the errors it is sent back (issue 7): a frame rate for every
/// frame type, and a rate for error frames so that a burst of bad frames cannot fill the client's outgoing queue.
/// One instance per session, used only from the session actor's thread.
/// </summary>
internal sealed class FrameGate(EdgeOptions options)
{
    public enum Verdict
    {
        /// <summary>Handle the frame.</summary>
        Take,

        /// <summary>Drop it and tell the client once (the first drop of a run).</summary>
        DropAndTell,

        /// <summary>Drop it silently: the client has been told.</summary>
        Drop,

        /// <summary>Drop it and close the socket (4008): the client keeps flooding.</summary>
        Close,
    }

    // Full at the first frame: the clock is the receive time of frames, whatever its origin.
    private TokenBucket? _frames;
    private TokenBucket? _errors;
    private StrikeCounter _drops;
    private bool _dropping;
    private int _suppressed;

    /// <summary>How long until the next frame would be taken, as of the last refusal.</summary>
    public TimeSpan RetryAfter { get; private set; }

    /// <summary>Frames dropped in the current strike window.</summary>
    public int Dropped => _drops.Count;

    public Verdict Admit(long nowMs)
    {
        var (allowed, frames, wait) = (_frames ?? TokenBucket.Full(options.FrameRate, nowMs)).Take(options.FrameRate, nowMs);
        _frames = frames;
        if (allowed)
        {
            _dropping = false;
            return Verdict.Take;
        }
        RetryAfter = wait;
        (_drops, var exceeded) = _drops.Strike(nowMs, options.StrikeWindow, options.MaxDroppedFrames);
        if (exceeded) return Verdict.Close;
        if (_dropping) return Verdict.Drop;
        _dropping = true;
        return Verdict.DropAndTell;
    }

    /// <summary>
    /// Whether an error frame may be sent now; if so, how many were suppressed since the last one sent (and the count
    /// starts over). Otherwise the error is counted as suppressed.
    /// </summary>
    public (bool Send, int Suppressed) AdmitError(long nowMs)
    {
        var (allowed, errors, _) = (_errors ?? TokenBucket.Full(options.ErrorRate, nowMs)).Take(options.ErrorRate, nowMs);
        _errors = errors;
        if (!allowed)
        {
            if (_suppressed < int.MaxValue) _suppressed++;
            return (false, 0);
        }
        var suppressed = _suppressed;
        _suppressed = 0;
        return (true, suppressed);
    }
}
