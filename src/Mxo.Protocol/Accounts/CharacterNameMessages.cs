using ProtoBuf;

namespace Mxo.Protocol.Accounts;

/// <summary>
/// Routed by the character-name shard region on the normalised character name (<see cref="PlayerId"/>): one
/// <c>CharacterNameEntity</c> per name records which account owns it, which makes names unique world-wide.
/// </summary>
public interface ICharacterNameCommand : IMxoMessage
{
    PlayerId Character { get; }
}

public static class CharacterNameCommands
{
    /// <summary>
    /// Reserve the name for <see cref="Owner"/>. Idempotent for the same owner (answers <see cref="CharacterNameReplies.Claimed"/>
    /// again); <see cref="CharacterNameReplies.Refused"/> (name_taken) for any other owner, invalid_name for a bad name.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Claim(
        [property: ProtoMember(1)] PlayerId Character,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] AccountId Owner) : ICharacterNameCommand;

    /// <summary>Reply: <see cref="CharacterNameReplies.OwnerIs"/> (operators, the edge).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetOwner([property: ProtoMember(1)] PlayerId Character) : ICharacterNameCommand;
}

/// <summary>Persisted by <c>CharacterNameEntity</c>: at most one event per name, ever.</summary>
public static class CharacterNameEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Claimed(
        [property: ProtoMember(1)] PlayerId Character,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] AccountId Owner) : IMxoEvent;
}

public static class CharacterNameReplies
{
    /// <summary>Sent after the claim is persisted.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Claimed(
        [property: ProtoMember(1)] PlayerId Character,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] AccountId Owner) : IMxoMessage;

    /// <summary><see cref="Code"/>: name_taken or invalid_name. Never says who owns the name.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Refused(
        [property: ProtoMember(1)] PlayerId Character,
        [property: ProtoMember(2)] string Code) : IMxoMessage;

    /// <summary><see cref="Owner"/> is null while the name is free.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record OwnerIs(
        [property: ProtoMember(1)] PlayerId Character,
        [property: ProtoMember(2)] AccountId? Owner,
        [property: ProtoMember(3)] string Name) : IMxoMessage;
}
