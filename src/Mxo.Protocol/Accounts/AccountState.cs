using System.Collections.Immutable;
using System.Text;
using ProtoBuf;

namespace Mxo.Protocol.Accounts;

/// <summary>
/// The account as the journal knows it. Immutable; changed only by <c>AccountLogic.Apply</c>. Persisted as a snapshot,
/// so its field numbers are a schema (golden bytes in the tests). Holds hashes only: no password, no refresh token.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record AccountState(
    [property: ProtoMember(1)] AccountId AccountId,
    [property: ProtoMember(2)] bool Registered,
    [property: ProtoMember(3)] string DisplayName,
    [property: ProtoMember(4)] PasswordHash? Password,
    ImmutableList<string> Permissions,
    ImmutableList<AccountCharacter> Characters,
    [property: ProtoMember(7)] long LockedUntilUnixMs,
    ImmutableList<RefreshFamily> RefreshFamilies,
    [property: ProtoMember(9)] long RegisteredAtUnixMs) : IMxoMessage
{
    [ProtoMember(5)]
    public ImmutableList<string> Permissions { get => _permissions ?? []; init => _permissions = value; }
    private ImmutableList<string>? _permissions = Permissions;

    /// <summary>In creation order.</summary>
    [ProtoMember(6)]
    public ImmutableList<AccountCharacter> Characters { get => _characters ?? []; init => _characters = value; }
    private ImmutableList<AccountCharacter>? _characters = Characters;

    /// <summary>Live refresh-token families (one per login), oldest first. Bounded by the settings' maximum.</summary>
    [ProtoMember(8)]
    public ImmutableList<RefreshFamily> RefreshFamilies { get => _families ?? []; init => _families = value; }
    private ImmutableList<RefreshFamily>? _families = RefreshFamilies;

    public static AccountState Empty(AccountId id) => new(id, false, "", null, [], [], 0, [], 0);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"AccountId = {AccountId}, Registered = {Registered}, Permissions = [{string.Join(", ", Permissions)}], ")
            .Append($"Characters = {Characters.Count}, LockedUntilUnixMs = {LockedUntilUnixMs}, RefreshFamilies = {RefreshFamilies.Count}");
        return true;
    }
}

/// <summary>
/// One login's chain of refresh tokens. Only hashes are kept: the current token's, and the one it replaced (with the
/// time of that rotation) so a racing refresh with the replaced token inside the grace window is told apart from reuse.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record RefreshFamily(
    [property: ProtoMember(1)] string FamilyId,
    byte[] CurrentHash,
    [property: ProtoMember(3)] long IssuedAtUnixMs,
    [property: ProtoMember(4)] long ExpiresAtUnixMs,
    byte[] PreviousHash,
    [property: ProtoMember(6)] long RotatedAtUnixMs)
{
    [ProtoMember(2)]
    public byte[] CurrentHash { get => _current ?? []; init => _current = value; }
    private byte[]? _current = CurrentHash;

    /// <summary>Empty until the first rotation.</summary>
    [ProtoMember(5)]
    public byte[] PreviousHash { get => _previous ?? []; init => _previous = value; }
    private byte[]? _previous = PreviousHash;
}
