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

    /// <summary>
    /// The session is about to ask to attach <paramref name="player"/> (a login, not a re-attachment): what the welcome
    /// needs from another entity can be asked now, in parallel with the attach.
    /// </summary>
    void OnAttaching(PlayerId player, SessionContext session)
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

    /// <summary>The permissions of the session's access token (<see cref="Auth.Permissions"/>); none for a --dev <c>hello</c>.</summary>
    public abstract IReadOnlyList<string> Permissions { get; }

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

    /// <summary>The sender of the message being handled (the entity that answered).</summary>
    public abstract IActorRef Sender { get; }

    /// <summary>Watches an actor: its <c>Terminated</c> reaches the features' <see cref="ISessionFeature.TryReceive"/>.</summary>
    public abstract void Watch(IActorRef actor);

    /// <summary>Sends <paramref name="message"/> to the session after <paramref name="delay"/> (to the features' TryReceive); a timer with the same key is replaced.</summary>
    public abstract void StartTimer(string key, object message, TimeSpan delay);

    public abstract void CancelTimer(string key);

    /// <summary>
    /// Called from <see cref="ISessionFeature.OnAttached"/>: the welcome waits for this feature's
    /// <see cref="ReleaseWelcome"/> (or the request timeout, then goes without it). False when no welcome is due (a
    /// re-attachment after a world node failed).
    /// </summary>
    public abstract bool HoldWelcome();

    /// <summary>
    /// Adds this feature's welcome fields; the welcome is sent at once when no other feature holds it (frames the
    /// feature sends right after come after the welcome then).
    /// </summary>
    public abstract void ReleaseWelcome(Action<System.Text.Json.Utf8JsonWriter> fields);
}

/// <summary>The frame types and the features of the sessions of one edge node.</summary>
/// <param name="Parser">Reads every client frame type: the session's own and every feature's.</param>
/// <param name="Features">Makes each session's feature instances.</param>
public sealed record SessionFeatureSet(ClientFrameParser Parser, IReadOnlyList<Func<ISessionFeature>> Features)
{
    /// <summary>The features this node serves: crews, teams, the world (players and districts), chat, combat and notifications.</summary>
    /// <param name="players">The player shard region (or proxy).</param>
    /// <param name="districts">The world map's districts (<c>enter</c> names one).</param>
    /// <param name="encounters">The combat encounter region (or proxy); fights' actions go there.</param>
    /// <param name="inboxes">The inbox region (or proxy); without one (tests of other features) welcome waits for no inbox.</param>
    /// <param name="moderation">The moderation log region (or proxy); without one moderation frames are refused <c>unavailable</c>.</param>
    /// <param name="mediator">The node's distributed pub-sub mediator (org lines, announcements); without one (tests) neither is served.</param>
    public static SessionFeatureSet For(IActorRef players, IReadOnlyCollection<DistrictId> districts, IActorRef encounters, IActorRef? inboxes = null,
        IActorRef? moderation = null, IActorRef? mediator = null) => new(
        new ClientFrameParser([.. SessionFrames.All, .. WorldFrames.For(districts), .. ChatFrames.All, .. CombatFrames.All, .. NotificationFrames.All,
            .. CrewFrames.All, .. TeamFrames.All, .. WhisperFrames.All, .. OrgFrames.All, .. MissionFrames.All]),
        // Crews, teams and organisations first: they take chat on channels crew, team and org, which the world feature would refuse
        // outside a district.
        [
            () => new CrewFeature(players), () => new TeamFeature(players), () => new MissionFeature(players), () => new OrgFeature(players, mediator ?? ActorRefs.Nobody),
            () => new WorldFeature(players), () => new ChatFeature(players),
            () => new CombatFeature(players, encounters), () => new NotificationsFeature(inboxes ?? ActorRefs.Nobody),
            () => new ModerationFeature(players, moderation ?? ActorRefs.Nobody),
        ]);
}
