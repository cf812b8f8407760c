namespace Mxo.Protocol.Missions;

/// <summary>
/// Why a mission request is refused (<see cref="MissionRules"/>, and the character's entity): the error frame's
/// <c>code</c>, documented in docs/protocol.md ("Missions"). Stable. A target or object that does not exist is
/// <c>unknown_target</c> / <c>unknown_object</c>, one too far away <c>out_of_reach</c>, as for fights and objects.
/// </summary>
public static class MissionErrorCodes
{
    /// <summary>No mission with that id in the mission table.</summary>
    public const string UnknownMission = "unknown_mission";

    /// <summary>The offer was made longer ago than the offer lifetime (the 5 minutes), or is dated in the future.</summary>
    public const string OfferExpired = "offer_expired";

    /// <summary>The character already has the most active missions allowed.</summary>
    public const string TooManyMissions = "too_many_missions";

    /// <summary>The mission is already one of the character's active missions.</summary>
    public const string AlreadyActive = "already_active";

    /// <summary>The character has completed the mission: missions are not repeatable (docs/architecture.md, "Missions (data)").</summary>
    public const string AlreadyCompleted = "already_completed";

    /// <summary>The mission belongs to a live event that is not open now (world/missions.json's "events").</summary>
    public const string EventClosed = "event_closed";

    /// <summary>The character's level is below the mission's minimum.</summary>
    public const string LevelTooLow = "level_too_low";

    /// <summary>The character's level is above the mission's maximum.</summary>
    public const string LevelTooHigh = "level_too_high";

    /// <summary>The character's reputation with the contact's organisation is below what the contact needs.</summary>
    public const string ReputationTooLow = "reputation_too_low";

    /// <summary>Abandon or complete names a mission the character does not have active.</summary>
    public const string NotActive = "not_active";

    /// <summary>Complete names an active mission whose last phase is not done.</summary>
    public const string NotFinished = "not_finished";

    /// <summary>Complete names a mission whose rewards were paid already: a retry, answered without paying again.</summary>
    public const string AlreadyPaid = "already_paid";

    /// <summary>A quest item was not picked up: the inventory holds its cap.</summary>
    public const string InventoryFull = "inventory_full";

    /// <summary>A give of an item the character does not hold for the mission that asks for it.</summary>
    public const string ItemNotHeld = "item_not_held";

    /// <summary>A give that no current objective of an active mission asks for (that item to that NPC or contact).</summary>
    public const string NotNeeded = "not_needed";

    /// <summary>Accept names a mission no contact offered the character (talk to the contact first).</summary>
    public const string NoOffer = "no_offer";

    /// <summary>The character accepted its daily limit of missions since the last daily reset.</summary>
    public const string DailyLimit = "daily_limit";
}
