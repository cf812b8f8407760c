using Akka.Actor;
using Mxo.Actors.Accounts;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Serialization;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class AccountRulesTests
{
    private static readonly AccountId Thomas = new("thomas.anderson");
    private static readonly AccountSettings Settings = AccountTestSettings.Default;
    private const long Now = 1_795_000_000_000;

    // ------------------------------------------------------------------ names and passwords

    [Theory]
    [InlineData(" Thomas.Anderson ", "thomas.anderson")]
    [InlineData("NEO", "neo")]
    [InlineData("a_b-c.9", "a_b-c.9")]
    public void User_names_are_trimmed_and_case_folded(string typed, string id)
    {
        Assert.Null(AccountRules.ValidateUserName(typed));
        Assert.Equal(new AccountId(id), AccountId.FromName(typed));
        Assert.True(AccountRules.IsValidAccountId(AccountId.FromName(typed)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("ab")]
    [InlineData("abcdefghijklmnopqrstuvwxyz1234567")] // 33
    [InlineData("thomas anderson")]
    [InlineData("thomas@anderson")]
    [InlineData("tomás")]
    [InlineData("\u212Aeanu")] // the Kelvin sign lower-cases to 'k': refused, not folded
    public void Bad_user_names_are_refused(string? name) => Assert.NotNull(AccountRules.ValidateUserName(name));

    [Fact]
    public void User_name_length_bounds_are_inclusive()
    {
        Assert.Null(AccountRules.ValidateUserName("abc"));
        Assert.Null(AccountRules.ValidateUserName(new string('a', 32)));
        Assert.False(AccountRules.IsValidAccountId(new AccountId("Thomas")));
    }

    [Theory]
    [InlineData("0123456789", true)]
    [InlineData("012345678", false)]
    [InlineData("          ", false)]
    [InlineData(" padded password ", true)]
    [InlineData("pässwörd ünïcode", true)]
    [InlineData(null, false)]
    public void Passwords_are_10_to_128_characters_not_all_white_space(string? password, bool ok) =>
        Assert.Equal(ok, AccountRules.ValidatePassword(password) is null);

    [Fact]
    public void Password_length_upper_bound()
    {
        Assert.Null(AccountRules.ValidatePassword(new string('x', 128)));
        Assert.NotNull(AccountRules.ValidatePassword(new string('x', 129)));
    }

    [Theory]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0")] // only NULs
    [InlineData("\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B")] // only zero-width spaces
    [InlineData("correct horse\u200Dbattery")] // a zero-width joiner hidden inside
    [InlineData("correct horse\u202Ebattery")] // a bidi override
    [InlineData("correct horse\tbattery")] // a control character
    [InlineData("correct horse\uFEFF")] // byte-order mark
    public void Control_and_invisible_format_characters_are_refused(string password) =>
        Assert.NotNull(AccountRules.ValidatePassword(password));

    [Fact]
    public void A_lone_surrogate_is_not_text_and_is_refused() =>
        Assert.NotNull(AccountRules.ValidatePassword("correct horse" + (char)0xD800 + "battery"));

    [Fact]
    public void Passwords_are_normalised_to_nfkc_and_measured_after_it()
    {
        // Full-width letters, a ligature and a decomposed accent all fold to their plain forms.
        Assert.Equal("correct horse é ff", AccountRules.NormalisePassword("ｃｏｒｒｅｃｔ horse e\u0301 \uFB00"));
        // Six "ﬀ" are 6 code units as typed but 12 after NFKC: long enough; 65 of them are 130: too long.
        Assert.Null(AccountRules.ValidatePassword(new string('\uFB00', 6)));
        Assert.NotNull(AccountRules.ValidatePassword(new string('\uFB00', 65)));
        Assert.True(AccountRules.IsOverlongPassword(new string('\uFB00', 65)));
        Assert.False(AccountRules.IsOverlongPassword(new string('x', 128)));
    }

    [Fact]
    public void The_same_typed_password_in_any_unicode_form_verifies_and_ascii_hashes_as_before()
    {
        var hash = PasswordHasher.Hash("ｃｏｒｒｅｃｔ horse cafe\u0301", PasswordHasher.Pbkdf2Sha256, 1_000);
        Assert.True(PasswordHasher.Verify("correct horse café", hash, PasswordHasher.Pbkdf2Sha256, 1_000).Ok);
        Assert.False(PasswordHasher.Verify("correct horse cafe", hash, PasswordHasher.Pbkdf2Sha256, 1_000).Ok);
        // An ASCII password is its own NFKC form: hashes stored before normalisation still match.
        var ascii = PasswordHasher.Hash("correct horse battery", PasswordHasher.Pbkdf2Sha256, 1_000);
        var expected = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("correct horse battery", ascii.Salt, 1_000,
            System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        Assert.Equal(expected, ascii.Hash);
    }

    [Fact]
    public void Nonsensical_account_settings_are_named_at_start_up()
    {
        Assert.Empty(new AccountSettings().Problems());
        var problems = new AccountSettings { HashingQueueLimit = 1, HashingConcurrency = 0, MaxLoginDelay = TimeSpan.Zero,
            FailureWindow = TimeSpan.Zero, PasswordAlgorithm = "md5" }.Problems();
        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Mxo:Accounts:HashingQueueLimit", StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_are_not_printed()
    {
        Assert.DoesNotContain("hunter2hunter2", new AccountCommands.Login(Thomas, "hunter2hunter2", null).ToString());
        Assert.DoesNotContain("hunter2hunter2", new AccountCommands.Register(Thomas, "Thomas", "hunter2hunter2").ToString());
        Assert.DoesNotContain("hunter2hunter2", new AccountCommands.ChangePassword(Thomas, "hunter2hunter2", "hunter2hunter2").ToString());
        Assert.DoesNotContain("tok.en", new AccountCommands.Refresh(Thomas, "tok.en").ToString());
        Assert.DoesNotContain("tok.en", new AccountReplies.Refreshed(Thomas, "tok.en", "f", 0, []).ToString());
    }

    // ------------------------------------------------------------------ pure decisions

    private static AccountState Registered() =>
        AccountLogic.Apply(AccountState.Empty(Thomas), new AccountEvents.AccountRegistered(Thomas, "Thomas.Anderson",
            PasswordHasher.Hash("correct horse battery", PasswordHasher.Pbkdf2Sha256, 1_000), Now));

    [Fact]
    public void Failures_lock_only_the_failing_address_at_the_threshold()
    {
        var state = Registered();
        var throttle = LoginThrottle.None;
        for (var i = 1; i < 5; i++)
        {
            (throttle, var lockedUntil) = AccountLogic.DecideFailure(throttle, "198.51.100.1", Now, Settings);
            Assert.Equal(0, lockedUntil);
            Assert.Equal(i, throttle.Addresses["198.51.100.1"].Failures);
        }
        var (after, until) = AccountLogic.DecideFailure(throttle, "198.51.100.1", Now, Settings);
        Assert.Equal(Now + 60_000, until);
        Assert.Equal((AccountErrorCodes.AccountLocked, Now + 60_000), AccountLogic.CheckAttempt(state, after, "198.51.100.1", Now, Settings));
        Assert.Null(AccountLogic.CheckAttempt(state, after, "203.0.113.7", Now, Settings));
        // A failure older than the window does not count towards the next lock.
        var (stale, _) = AccountLogic.DecideFailure(LoginThrottle.None, "198.51.100.2", Now, Settings);
        var (fresh, _) = AccountLogic.DecideFailure(stale, "198.51.100.2", Now + (long)Settings.FailureWindow.TotalMilliseconds, Settings);
        Assert.Equal(1, fresh.Addresses["198.51.100.2"].Failures);
        // An old account-wide lock (persisted by earlier versions) still holds for everyone until it ends.
        var legacy = AccountLogic.Apply(state, new AccountEvents.AccountLocked(Now + 5_000, 5));
        Assert.Equal(AccountErrorCodes.AccountLocked, AccountLogic.CheckAttempt(legacy, LoginThrottle.None, "203.0.113.7", Now, Settings)?.Code);
        Assert.Null(AccountLogic.CheckAttempt(legacy, LoginThrottle.None, "203.0.113.7", Now + 5_000, Settings));
        Assert.Equal(60, AccountLogic.RetryAfterSeconds(Now + 60_000, Now));
        Assert.Equal([1_000, 2_000, 4_000, 60_000, 60_000], new[] { 0, 1, 2, 6, 1_000 }.Select(n => AccountLogic.DelayMs(n, Settings)));
        Assert.Equal(1, AccountLogic.RetryAfterSeconds(Now + 1, Now));
        Assert.Equal(0, AccountLogic.RetryAfterSeconds(Now, Now));
    }

    [Fact]
    public void Refresh_decisions_follow_rotation_grace_and_reuse()
    {
        var state = Registered();
        var family = RefreshTokens.NewFamilyId();
        var t0 = RefreshTokens.NewToken(family);
        state = AccountLogic.DecideIssue(state, family, RefreshTokens.HashOf(t0), Now, Settings).Aggregate(state, AccountLogic.Apply);

        var t1 = RefreshTokens.NewToken(family);
        var rotate = Assert.IsType<RefreshDecision.Rotate>(AccountLogic.DecideRefresh(state, t0, RefreshTokens.HashOf(t1), Now + 1_000, Settings));
        state = AccountLogic.Apply(state, rotate.Event);
        var rotated = Assert.Single(state.RefreshFamilies);
        Assert.Equal(RefreshTokens.HashOf(t1), rotated.CurrentHash);
        Assert.Equal(RefreshTokens.HashOf(t0), rotated.PreviousHash);

        var unused = RefreshTokens.HashOf(RefreshTokens.NewToken(family));
        Assert.IsType<RefreshDecision.ResendSuccessor>(AccountLogic.DecideRefresh(state, t0, unused, Now + 11_000, Settings));
        var reused = Assert.IsType<RefreshDecision.Reused>(AccountLogic.DecideRefresh(state, t0, unused, Now + 11_001, Settings));
        Assert.Equal(new AccountEvents.RefreshFamilyRevoked(family, RevocationReasons.Reuse), reused.Event);
        // A made-up secret under a live family id is treated as reuse too.
        Assert.IsType<RefreshDecision.Reused>(AccountLogic.DecideRefresh(state, RefreshTokens.NewToken(family), unused, Now + 2_000, Settings));
        Assert.IsType<RefreshDecision.Invalid>(AccountLogic.DecideRefresh(state, "x.y", unused, Now, Settings));
        Assert.Empty(AccountLogic.Apply(state, reused.Event).RefreshFamilies);
    }

    [Fact]
    public void Issuing_drops_expired_families()
    {
        var state = Registered();
        var old = RefreshTokens.NewFamilyId();
        state = AccountLogic.DecideIssue(state, old, [1], Now, Settings).Aggregate(state, AccountLogic.Apply);
        var later = Now + (long)TimeSpan.FromDays(31).TotalMilliseconds;
        var events = AccountLogic.DecideIssue(state, RefreshTokens.NewFamilyId(), [2], later, Settings);
        Assert.IsType<AccountEvents.RefreshTokenIssued>(Assert.Single(events));
        state = events.Aggregate(state, AccountLogic.Apply);
        Assert.DoesNotContain(state.RefreshFamilies, f => f.FamilyId == old);
    }

    [Fact]
    public void Tokens_have_a_fixed_shape()
    {
        var family = RefreshTokens.NewFamilyId();
        var token = RefreshTokens.NewToken(family);
        Assert.Equal(22 + 1 + 43, token.Length);
        Assert.True(RefreshTokens.TryParseFamily(token, out var parsed));
        Assert.Equal(family, parsed);
        Assert.False(RefreshTokens.TryParseFamily(token + "A", out _));
        Assert.False(RefreshTokens.TryParseFamily(token.Replace('.', '-'), out _));
        Assert.False(RefreshTokens.TryParseFamily(null, out _));
        Assert.NotEqual(token, RefreshTokens.NewToken(family));
    }

    [Fact]
    public void Character_decisions()
    {
        var state = Registered();
        Assert.Equal(new CharacterDecision.Claim(new PlayerId("neo"), "Neo"), AccountLogic.DecideCreateCharacter(state, " Neo ", Settings));
        state = AccountLogic.Apply(state, new AccountEvents.CharacterAdded(new PlayerId("neo"), "Neo"));
        Assert.IsType<CharacterDecision.AlreadyOwned>(AccountLogic.DecideCreateCharacter(state, "NEO", Settings));
        Assert.Equal(AccountErrorCodes.InvalidName,
            Assert.IsType<CharacterDecision.Refuse>(AccountLogic.DecideCreateCharacter(state, "no spaces", Settings)).Code);
        Assert.Equal(AccountErrorCodes.TooManyCharacters,
            Assert.IsType<CharacterDecision.Refuse>(AccountLogic.DecideCreateCharacter(state, "Trinity", Settings with { MaxCharactersPerAccount = 1 })).Code);
        Assert.Equal(AccountErrorCodes.NotRegistered,
            Assert.IsType<CharacterDecision.Refuse>(AccountLogic.DecideCreateCharacter(AccountState.Empty(Thomas), "Neo", Settings)).Code);
    }

    // ------------------------------------------------------------------ the persisted form keeps every field

    [Fact]
    public void The_snapshot_round_trips_through_the_serializer_field_by_field()
    {
        using var system = ActorSystem.Create("account-serialization", ActorTestConfig.Hocon);
        var mxo = (MxoSerializer)system.Serialization.FindSerializerForType(typeof(IMxoMessage));
        var family = new RefreshFamily("fam", [1, 2, 3], Now, Now + 10, [4, 5], Now + 5);
        var password = PasswordHasher.Hash("correct horse battery", PasswordHasher.Pbkdf2Sha512, 1_000);
        var state = new AccountState(Thomas, true, "Thomas.Anderson", password, [Permissions.Player, Permissions.Admin],
            [new AccountCharacter(new PlayerId("neo"), "Neo")], Now + 60_000, [family], Now);

        var back = (AccountState)mxo.FromBinary(mxo.ToBinary(state), mxo.Manifest(state));
        Assert.Equal((state.AccountId, state.Registered, state.DisplayName, state.LockedUntilUnixMs, state.RegisteredAtUnixMs),
            (back.AccountId, back.Registered, back.DisplayName, back.LockedUntilUnixMs, back.RegisteredAtUnixMs));
        Assert.Equal((password.Algorithm, password.Iterations), (back.Password!.Algorithm, back.Password.Iterations));
        Assert.Equal(password.Salt, back.Password.Salt);
        Assert.Equal(password.Hash, back.Password.Hash);
        Assert.Equal(state.Permissions, back.Permissions);
        Assert.Equal(state.Characters, back.Characters);
        var backFamily = Assert.Single(back.RefreshFamilies);
        Assert.Equal((family.FamilyId, family.IssuedAtUnixMs, family.ExpiresAtUnixMs, family.RotatedAtUnixMs),
            (backFamily.FamilyId, backFamily.IssuedAtUnixMs, backFamily.ExpiresAtUnixMs, backFamily.RotatedAtUnixMs));
        Assert.Equal(family.CurrentHash, backFamily.CurrentHash);
        Assert.Equal(family.PreviousHash, backFamily.PreviousHash);

        var empty = (AccountState)mxo.FromBinary(mxo.ToBinary(AccountState.Empty(Thomas)), "as");
        Assert.Null(empty.Password);
        Assert.Empty(empty.Permissions);
        Assert.Empty(empty.RefreshFamilies);

        var rotated = new AccountEvents.RefreshTokenRotated("fam", [1], [2, 3], Now, Now + 1);
        var rotatedBack = (AccountEvents.RefreshTokenRotated)mxo.FromBinary(mxo.ToBinary(rotated), mxo.Manifest(rotated));
        Assert.Equal(rotated.OldHash, rotatedBack.OldHash);
        Assert.Equal(rotated.NewHash, rotatedBack.NewHash);
        Assert.Equal(rotated.ExpiresAtUnixMs, rotatedBack.ExpiresAtUnixMs);
    }
}
