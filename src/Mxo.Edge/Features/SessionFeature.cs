using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// One capability a session offers its client (the world, and later chat, combat, …): it brings its client frame types
/// (<see cref="SessionFeatureSet"/>), handles their requests by telling its entity region (always with the
/// authenticated player id: nothing a client writes names who it is), and takes the replies and pushes only it
/// understands. Replies and pushes that need nothing but a frame implement <see cref="IClientBound"/> and never reach
/// a feature. One instance per session, used only from the session actor's thread.
/// </summary>
public interface ISessionFeature
{
    /// <summary>Handles a request of one of this feature's frame types from an identified player; false when not its own.</summary>
    bool TryHandle(ClientRequest request, SessionContext session);

    /// <summary>A message for the session that the session itself does not handle; false when not this feature's.</summary>
    bool TryReceive(object message, SessionContext session);

    /// <summary>The session (re)attached to its character: forget what belonged to the previous attachment.</summary>
    void OnAttached(SessionContext session);

    /// <summary>The character's sheet, as <c>welcome</c> is written (not after a re-attachment: the character is the same).</summary>
    void OnWelcome(PlayerReplies.CharacterSheet character)
    {
    }
}

/// <summary>What a session offers its features: who the player is, durable-request bookkeeping, writing frames, closing.</summary>
public abstract class SessionContext
{
    /// <summary>The authenticated character.</summary>
    public abstract PlayerId Player { get; }

    /// <summary>When the frame being handled was read off the socket (Environment.TickCount64).</summary>
    public abstract long ReceivedAtMs { get; }

    public abstract EdgeOptions Options { get; }

    /// <summary>The socket is closing: frames sent now are dropped.</summary>
    public abstract bool Closing { get; }

    /// <summary>The session is re-attaching to a new incarnation of its character (its world node failed).</summary>
    public abstract bool Resyncing { get; }

    /// <summary>The session actor: the sender for entity commands, so replies come back to it.</summary>
    public abstract IActorRef Self { get; }

    /// <summary>Registers a durable request; returns its command id, or null (after telling the client) when refused.</summary>
    public abstract string? Begin(string? requestId, TimeSpan? timeout = null);

    /// <summary>Finishes a durable request; returns the client's request id to echo (null for unsolicited or anonymous).</summary>
    public abstract string? Complete(string commandId);

    public abstract void Send(byte[] frame);

    /// <summary>Sends a frame and gets <see cref="SessionProtocol.ViewWritten"/> back once it is on the wire.</summary>
    public abstract void SendPaced(byte[] frame);

    /// <summary>An error the edge answers a client frame with (rate-limited: see <see cref="EdgeOptions.ErrorRate"/>).</summary>
    public abstract void SendError(string code, string message, string? id);

    public abstract void Close(int code, string reason);
}

/// <summary>The frame types and the features of the sessions of one edge node.</summary>
/// <param name="Parser">Reads every client frame type: the session's own and every feature's.</param>
/// <param name="Features">Makes each session's feature instances.</param>
public sealed record SessionFeatureSet(ClientFrameParser Parser, IReadOnlyList<Func<ISessionFeature>> Features)
{
    /// <summary>The features this node serves: crews, the world (players and districts), chat and combat.</summary>
    /// <param name="players">The player shard region (or proxy).</param>
    /// <param name="districts">The world map's districts (<c>enter</c> names one).</param>
    /// <param name="encounters">The combat encounter region (or proxy); fights' actions go there.</param>
    public static SessionFeatureSet For(IActorRef players, IReadOnlyCollection<DistrictId> districts, IActorRef encounters) => new(
        new ClientFrameParser([.. SessionFrames.All, .. WorldFrames.For(districts), .. ChatFrames.All, .. CombatFrames.All, .. CrewFrames.All]),
        // Crews first: it takes chat on channel crew, which the world feature would refuse outside a district.
        [() => new CrewFeature(players), () => new WorldFeature(players), () => new ChatFeature(players), () => new CombatFeature(players, encounters)]);
}
