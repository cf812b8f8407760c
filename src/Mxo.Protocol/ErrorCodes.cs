namespace Mxo.Protocol;

/// <summary>The codes of error frames and rejected commands. Documented in docs/protocol.md; never renamed.</summary>
public static class ErrorCodes
{
    public const string MalformedJson = "malformed_json";
    public const string UnknownType = "unknown_type";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string UnsupportedVersion = "unsupported_version";
    public const string NotIdentified = "not_identified";
    public const string AlreadyIdentified = "already_identified";
    public const string DevOnly = "dev_only";
    public const string UnknownDistrict = "unknown_district";
    public const string NotInDistrict = "not_in_district";
    public const string InvalidPosition = "invalid_position";
    public const string TextTooLong = "text_too_long";
    public const string Busy = "busy";
    public const string Timeout = "timeout";
    public const string NotAttached = "not_attached";
    public const string WrongCharacter = "wrong_character";
    public const string InvalidToken = "invalid_token";
    public const string DistrictFull = "district_full";
    public const string UnknownHardline = "unknown_hardline";
    public const string HardlineLocked = "hardline_locked";
    public const string UnknownObject = "unknown_object";
    public const string UnknownAction = "unknown_action";
    public const string OutOfReach = "out_of_reach";
    public const string JackOutCancelled = "jack_out_cancelled";
    public const string JackingOut = "jacking_out";
    public const string RateLimited = "rate_limited";
    public const string Resyncing = "resyncing";
    public const string Unavailable = "unavailable";
    public const string Derezzed = "derezzed";
    public const string NotDerezzed = "not_derezzed";
}
