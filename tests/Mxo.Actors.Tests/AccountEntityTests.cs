using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Accounts;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.TestSupport;
using Xunit;
using static Mxo.Protocol.Accounts.AccountCommands;
using static Mxo.Protocol.Accounts.AccountReplies;

namespace Mxo.Actors.Tests;

public sealed class AccountEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Password = "correct horse battery";
    private const string NewPassword = "staple battery horse";
    private static readonly AccountId Thomas = new("thomas.anderson");
    private static readonly AccountId Smith = new("smith");
    private static readonly AccountId Nobody = new("nobody");
    private static readonly AccountSettings Settings = AccountTestSettings.Default;

    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000));
    private readonly IActorRef _names;
    private readonly PasswordWork _work = new(2, 8);

    public AccountEntityTests() : base(ActorTestConfig.Hocon)
    {
        _names = Sys.ActorOf(LocalCharacterNames.PropsFor(Settings), "names");
    }

    private IActorRef StartAccount(AccountId id, AccountSettings? settings = null, IActorRef? names = null, TimeProvider? clock = null,
        PasswordWork? work = null) =>
        Sys.ActorOf(AccountEntity.PropsFor(id.Value, settings ?? Settings, names ?? _names, work ?? _work, clock ?? _clock));

    private IActorRef StartRegistered(AccountId id, string displayName, AccountSettings? settings = null)
    {
        var account = StartAccount(id, settings);
        account.Tell(new Register(id, displayName, Password));
        ExpectMsg<Registered>();
        return account;
    }

    private IActorRef StartThomas(AccountSettings? settings = null) => StartRegistered(Thomas, "Thomas.Anderson", settings);

    private void StopGracefully(IActorRef account)
    {
        Watch(account);
        account.Tell(EntityStop.Instance);
        ExpectTerminated(account);
    }

    private T Ask<T>(IActorRef account, object command)
    {
        account.Tell(command);
        return ExpectMsg<T>();
    }

    private LoginSucceeded LoginOk(IActorRef account, string password = Password) =>
        Ask<LoginSucceeded>(account, new Login(Thomas, password, "203.0.113.7"));

    private LoginFailed LoginFails(IActorRef account, AccountId id, string password) =>
        Ask<LoginFailed>(account, new Login(id, password, "203.0.113.7"));

    private AccountSummary Summary(IActorRef account, AccountId? id = null) => Ask<AccountSummary>(account, new GetAccount(id ?? Thomas));

    // ------------------------------------------------------------------ registration

    [Fact]
    public void Registering_creates_a_player_account_and_a_second_registration_is_name_taken()
    {
        var account = StartAccount(Thomas);
        account.Tell(new Register(Thomas, " Thomas.Anderson ", Password));
        Assert.Equal(new Registered(Thomas, "Thomas.Anderson"), ExpectMsg<Registered>());

        var summary = Summary(account);
        Assert.True(summary.Registered);
        Assert.Equal([Permissions.Player], summary.Permissions);
        Assert.Equal((PasswordHasher.Pbkdf2Sha256, 1_000), (summary.PasswordAlgorithm, summary.PasswordIterations));

        account.Tell(new Register(Thomas, "thomas.anderson", "another password!"));
        Assert.Equal(AccountErrorCodes.NameTaken, ExpectMsg<RegisterFailed>().Code);
    }

    [Fact]
    public void Two_registrations_racing_for_one_name_give_one_account()
    {
        var account = StartAccount(Thomas);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        account.Tell(new Register(Thomas, "Thomas.Anderson", Password), first.Ref);
        account.Tell(new Register(Thomas, "THOMAS.ANDERSON", NewPassword), second.Ref);
        first.ExpectMsg<Registered>();
        Assert.Equal(AccountErrorCodes.NameTaken, second.ExpectMsg<RegisterFailed>().Code);
        LoginOk(account); // the first password won
    }

    [Theory]
    [InlineData("thomas.anderson", "Someone.Else", Password, AccountErrorCodes.InvalidName)]
    [InlineData("thomas.anderson", "thomas anderson", Password, AccountErrorCodes.InvalidName)]
    [InlineData("thomas.anderson", "Thomas.Anderson", "too short", AccountErrorCodes.InvalidPassword)]
    [InlineData("thomas.anderson", "Thomas.Anderson", "            ", AccountErrorCodes.InvalidPassword)]
    [InlineData("ab", "ab", Password, AccountErrorCodes.InvalidName)]
    [InlineData("Thomas", "Thomas", Password, AccountErrorCodes.InvalidName)]
    public void Bad_names_and_passwords_are_refused_and_nothing_is_persisted(string id, string displayName, string password, string code)
    {
        var account = StartAccount(new AccountId(id));
        account.Tell(new Register(new AccountId(id), displayName, password));
        Assert.Equal(code, ExpectMsg<RegisterFailed>().Code);
        Assert.False(Summary(account, new AccountId(id)).Registered);
    }

    // ------------------------------------------------------------------ login

    [Fact]
    public void Login_with_the_right_password_returns_permissions_characters_and_a_refresh_token()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        Assert.Equal((Thomas, "Thomas.Anderson"), (login.AccountId, login.DisplayName));
        Assert.Equal([Permissions.Player], login.Permissions);
        Assert.Empty(login.Characters);
        Assert.True(RefreshTokens.TryParseFamily(login.RefreshToken, out var family));
        Assert.Equal(login.FamilyId, family);
        Assert.Equal(_clock.GetUtcNow().AddDays(30).ToUnixTimeMilliseconds(), login.RefreshExpiresAtUnixMs);
        Assert.DoesNotContain(login.RefreshToken, login.ToString());
        Assert.Equal(1, Summary(account).RefreshFamilies);
    }

    [Fact]
    public void A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var account = StartThomas();
        var wrongPassword = LoginFails(account, Thomas, "not the password");
        var unknown = LoginFails(StartAccount(Nobody), Nobody, Password);
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.InvalidCredentials, 0), wrongPassword);
        Assert.Equal(new LoginFailed(Nobody, AccountErrorCodes.InvalidCredentials, 0), unknown);
        // Asking about an unknown user name persists nothing.
        Assert.False(Summary(StartAccount(Nobody), Nobody).Registered);
    }

    [Fact]
    public void An_unknown_user_costs_a_full_password_check()
    {
        var slow = Settings with { PasswordIterations = 200_000 };
        var account = StartThomas(slow);
        var unknown = StartAccount(Nobody, slow);

        TimeSpan Time(IActorRef target, AccountId id)
        {
            var best = TimeSpan.MaxValue;
            for (var i = 0; i < 2; i++)
            {
                var watch = Stopwatch.StartNew();
                target.Tell(new Login(id, "not the password", null));
                ExpectMsg<LoginFailed>(TimeSpan.FromSeconds(10));
                best = TimeSpan.FromTicks(Math.Min(best.Ticks, watch.Elapsed.Ticks));
            }
            return best;
        }

        var wrongPassword = Time(account, Thomas);
        var unknownUser = Time(unknown, Nobody);
        Assert.True(unknownUser > wrongPassword * 0.25,
            $"unknown user answered in {unknownUser.TotalMilliseconds} ms, a wrong password in {wrongPassword.TotalMilliseconds} ms");
    }

    [Fact]
    public void Five_failures_lock_the_account_for_the_lock_duration_even_for_the_right_password()
    {
        var account = StartThomas();
        for (var i = 0; i < 4; i++)
            Assert.Equal(AccountErrorCodes.InvalidCredentials, LoginFails(account, Thomas, "guess " + i).Code);
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.AccountLocked, 60), LoginFails(account, Thomas, "guess 5"));
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.AccountLocked, 60), LoginFails(account, Thomas, Password));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(30, LoginFails(account, Thomas, Password).RetryAfterSeconds);
        _clock.Advance(TimeSpan.FromSeconds(30.5));
        LoginOk(account);

        // The count started again: four more failures do not lock.
        for (var i = 0; i < 4; i++)
            Assert.Equal(AccountErrorCodes.InvalidCredentials, LoginFails(account, Thomas, "guess " + i).Code);
        LoginOk(account);
    }

    [Fact]
    public void A_lock_ends_after_the_configured_duration_on_the_real_clock()
    {
        var shortLock = Settings with { LockDuration = TimeSpan.FromMilliseconds(500) };
        var account = StartAccount(Thomas, shortLock, clock: TimeProvider.System);
        account.Tell(new Register(Thomas, "Thomas.Anderson", Password));
        ExpectMsg<Registered>();
        for (var i = 0; i < 5; i++) LoginFails(account, Thomas, "guess " + i);
        Assert.Equal(AccountErrorCodes.AccountLocked, LoginFails(account, Thomas, Password).Code);

        AwaitAssert(() =>
        {
            var probe = CreateTestProbe();
            account.Tell(new Login(Thomas, Password, "203.0.113.7"), probe.Ref);
            probe.ExpectMsg<LoginSucceeded>();
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Failures_from_other_addresses_never_lock_out_the_owner_and_are_delayed_progressively()
    {
        var account = StartThomas();
        LoginFailed Attack(string address) => Ask<LoginFailed>(account, new Login(Thomas, "guess", address));
        LoginSucceeded Owner() => Ask<LoginSucceeded>(account, new Login(Thomas, Password, "203.0.113.7"));

        // Five failures lock the attacker's address out of this account, and only it.
        for (var i = 0; i < 4; i++) Assert.Equal(AccountErrorCodes.InvalidCredentials, Attack("198.51.100.1").Code);
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.AccountLocked, 60), Attack("198.51.100.1"));
        Assert.Equal(AccountErrorCodes.AccountLocked, Ask<LoginFailed>(account, new Login(Thomas, Password, "198.51.100.1")).Code);
        Owner();

        // Ten account-wide failures: from then on a failing address waits 1 s, 2 s, 4 s ... between attempts.
        for (var i = 0; i < 4; i++) Attack("198.51.100.2");
        Assert.Equal(AccountErrorCodes.AccountLocked, Attack("198.51.100.2").Code); // the tenth
        Assert.Equal(AccountErrorCodes.InvalidCredentials, Attack("198.51.100.3").Code); // a fresh address: the eleventh
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.LoginDelayed, 2), Attack("198.51.100.3"));
        Owner(); // never delayed: the owner's address has no failures
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AccountErrorCodes.InvalidCredentials, Attack("198.51.100.3").Code); // the twelfth
        Assert.Equal(new LoginFailed(Thomas, AccountErrorCodes.LoginDelayed, 4), Attack("198.51.100.3"));
        _clock.Advance(TimeSpan.FromSeconds(4));
        Attack("198.51.100.3");
        Assert.Equal(8, Attack("198.51.100.3").RetryAfterSeconds);
        Owner();

        // The delay ends with the window.
        _clock.Advance(Settings.FailureWindow);
        Assert.Equal(AccountErrorCodes.InvalidCredentials, Attack("198.51.100.3").Code);
    }

    [Fact]
    public void A_full_password_queue_answers_busy_at_once_and_logins_keep_their_share()
    {
        // One worker, four waiting slots of which registrations may take two.
        var work = new PasswordWork(1, 4);
        using var gate = new ManualResetEventSlim();
        Assert.NotNull(work.TryRun(PasswordJobKind.Login, () => gate.Wait(TestTime.Scaled(TimeSpan.FromSeconds(30)))));
        var thomas = StartAccount(Thomas, work: work);
        var smith = StartAccount(Smith, work: work);
        var first = CreateTestProbe();
        thomas.Tell(new Register(Thomas, "Thomas.Anderson", Password), first.Ref);
        smith.Tell(new Register(Smith, "Smith", Password), first.Ref);
        AwaitAssert(() => Assert.Equal(2, work.Waiting));

        // A third registration is refused at once, and its account is not left busy.
        var nobody = StartAccount(Nobody, work: work);
        nobody.Tell(new Register(Nobody, "Nobody", Password));
        Assert.Equal(AccountErrorCodes.Busy, ExpectMsg<Rejected>().Code);
        Assert.False(Summary(nobody, Nobody).Registered);

        // Logins still get the remaining slots; beyond them they are refused too.
        var others = Enumerable.Range(0, 3).Select(i => StartAccount(new AccountId("neo" + i), work: work)).ToList();
        var logins = CreateTestProbe();
        others[0].Tell(new Login(new AccountId("neo0"), Password, "203.0.113.7"), logins.Ref);
        others[1].Tell(new Login(new AccountId("neo1"), Password, "203.0.113.7"), logins.Ref);
        AwaitAssert(() => Assert.Equal(4, work.Waiting));
        others[2].Tell(new Login(new AccountId("neo2"), Password, "203.0.113.7"));
        Assert.Equal(AccountErrorCodes.Busy, ExpectMsg<Rejected>().Code);

        gate.Set();
        logins.ExpectMsg<LoginFailed>();
        logins.ExpectMsg<LoginFailed>();
        first.ExpectMsg<Registered>();
        first.ExpectMsg<Registered>();
    }

    [Fact]
    public async Task Logins_waiting_in_the_queue_run_before_registrations()
    {
        var work = new PasswordWork(1, 8);
        using var gate = new ManualResetEventSlim();
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _ = work.TryRun(PasswordJobKind.Login, () => gate.Wait(TestTime.Scaled(TimeSpan.FromSeconds(30))));
        var tasks = new[]
        {
            work.TryRun(PasswordJobKind.Registration, () => { order.Enqueue("register 1"); return 0; }),
            work.TryRun(PasswordJobKind.Login, () => { order.Enqueue("login 1"); return 0; }),
            work.TryRun(PasswordJobKind.Registration, () => { order.Enqueue("register 2"); return 0; }),
            work.TryRun(PasswordJobKind.Login, () => { order.Enqueue("login 2"); return 0; }),
        };
        gate.Set();
        await Task.WhenAll(tasks.Select(t => (Task)t!)).WaitAsync(TestTime.Scaled(TimeSpan.FromSeconds(10)));
        Assert.Equal(["login 1", "login 2", "register 1", "register 2"], order);
    }

    [Fact]
    public void A_registration_whose_requester_gave_up_while_it_waited_creates_nothing()
    {
        var work = new PasswordWork(1, 4);
        using var gate = new ManualResetEventSlim();
        work.TryRun(PasswordJobKind.Login, () => gate.Wait(TestTime.Scaled(TimeSpan.FromSeconds(30))));
        var account = StartAccount(Thomas, work: work);
        var deadline = _clock.GetUtcNow().AddSeconds(10).ToUnixTimeMilliseconds();
        account.Tell(new Register(Thomas, "Thomas.Anderson", Password, deadline));
        AwaitAssert(() => Assert.Equal(1, work.Waiting));

        _clock.Advance(TimeSpan.FromSeconds(10)); // the edge's ask timed out: it answered 503
        gate.Set();
        Assert.Equal(AccountErrorCodes.Timeout, ExpectMsg<RegisterFailed>().Code);
        Assert.False(Summary(account).Registered);
        StopGracefully(account);
        Assert.False(Summary(StartAccount(Thomas)).Registered);

        // A deadline still ahead registers as usual.
        var again = StartAccount(Thomas);
        again.Tell(new Register(Thomas, "Thomas.Anderson", Password, _clock.GetUtcNow().AddSeconds(10).ToUnixTimeMilliseconds()));
        ExpectMsg<Registered>();
    }

    [Fact]
    public void Locks_are_held_in_memory_and_a_restart_forgets_them()
    {
        var account = StartThomas();
        for (var i = 0; i < 5; i++) LoginFails(account, Thomas, "guess " + i);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds(), Summary(account).LockedUntilUnixMs);
        StopGracefully(account);

        // Nothing was persisted for the lock: it cannot outlive the account's memory, nor lock anyone else out.
        LoginOk(StartAccount(Thomas));
    }

    [Fact]
    public void An_unknown_user_locks_like_a_real_one()
    {
        var unknown = StartAccount(Nobody);
        for (var i = 0; i < 4; i++) Assert.Equal(AccountErrorCodes.InvalidCredentials, LoginFails(unknown, Nobody, "guess " + i).Code);
        Assert.Equal(new LoginFailed(Nobody, AccountErrorCodes.AccountLocked, 60), LoginFails(unknown, Nobody, "guess 5"));
        Assert.Equal(AccountErrorCodes.AccountLocked, LoginFails(unknown, Nobody, Password).Code);
    }

    [Fact]
    public void A_login_against_older_parameters_rehashes_and_the_new_hash_is_persisted()
    {
        var old = StartThomas(Settings with { PasswordIterations = 1_000 });
        StopGracefully(old);

        var stronger = Settings with { PasswordIterations = 2_000 };
        var account = StartAccount(Thomas, stronger);
        Assert.Equal(1_000, Summary(account).PasswordIterations);
        LoginOk(account);
        Assert.Equal(2_000, Summary(account).PasswordIterations);
        StopGracefully(account);

        var restarted = StartAccount(Thomas, stronger);
        Assert.Equal(2_000, Summary(restarted).PasswordIterations);
        LoginOk(restarted);

        var sha512 = stronger with { PasswordAlgorithm = PasswordHasher.Pbkdf2Sha512 };
        StopGracefully(restarted);
        var switched = StartAccount(Thomas, sha512);
        LoginOk(switched);
        Assert.Equal(PasswordHasher.Pbkdf2Sha512, Summary(switched).PasswordAlgorithm);
        Assert.Equal(AccountErrorCodes.InvalidCredentials, LoginFails(switched, Thomas, NewPassword).Code);
    }

    // ------------------------------------------------------------------ passwords

    [Fact]
    public void Changing_the_password_needs_the_old_one_and_ends_every_session()
    {
        var account = StartThomas();
        var session = LoginOk(account);

        account.Tell(new ChangePassword(Thomas, "not the password", NewPassword));
        Assert.Equal(AccountErrorCodes.InvalidCredentials, ExpectMsg<PasswordChangeFailed>().Code);
        account.Tell(new ChangePassword(Thomas, Password, "short"));
        Assert.Equal(AccountErrorCodes.InvalidPassword, ExpectMsg<PasswordChangeFailed>().Code);

        account.Tell(new ChangePassword(Thomas, Password, NewPassword));
        Assert.Equal(new AccountReplies.PasswordChanged(Thomas, 1), ExpectMsg<AccountReplies.PasswordChanged>());
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, session.RefreshToken)).Code);
        Assert.Equal(AccountErrorCodes.InvalidCredentials, LoginFails(account, Thomas, Password).Code);
        LoginOk(account, NewPassword);

        StopGracefully(account);
        LoginOk(StartAccount(Thomas), NewPassword);
    }

    [Fact]
    public void Wrong_old_passwords_count_towards_the_lock()
    {
        var account = StartThomas();
        for (var i = 0; i < 4; i++)
            Assert.Equal(AccountErrorCodes.InvalidCredentials, Ask<PasswordChangeFailed>(account, new ChangePassword(Thomas, "guess " + i, NewPassword)).Code);
        var failed = Ask<PasswordChangeFailed>(account, new ChangePassword(Thomas, "guess 5", NewPassword));
        Assert.Equal((AccountErrorCodes.AccountLocked, 60), (failed.Code, failed.RetryAfterSeconds));
        Assert.Equal(AccountErrorCodes.AccountLocked, Ask<PasswordChangeFailed>(account, new ChangePassword(Thomas, Password, NewPassword)).Code);
        LoginOk(account); // a login from an address of its own is not locked by them
    }

    // ------------------------------------------------------------------ characters

    [Fact]
    public void Characters_are_created_listed_limited_and_selected()
    {
        var account = StartThomas();
        var neo = Ask<CharacterCreated>(account, new CreateCharacter(Thomas, " Neo "));
        Assert.Equal(new AccountCharacter(new PlayerId("neo"), "Neo"), neo.Character);
        // Creating it again is idempotent.
        Assert.Equal(neo, Ask<CharacterCreated>(account, new CreateCharacter(Thomas, "NEO")));
        Ask<CharacterCreated>(account, new CreateCharacter(Thomas, "Trinity"));
        Ask<CharacterCreated>(account, new CreateCharacter(Thomas, "Morpheus"));

        Assert.Equal(AccountErrorCodes.TooManyCharacters, Ask<CharacterFailed>(account, new CreateCharacter(Thomas, "Tank")).Code);
        Assert.Equal(AccountErrorCodes.InvalidName, Ask<CharacterFailed>(account, new CreateCharacter(Thomas, "1up")).Code);

        var list = Ask<CharacterList>(account, new ListCharacters(Thomas));
        Assert.Equal(["Neo", "Trinity", "Morpheus"], list.Characters.Select(c => c.Name));

        var selected = Ask<CharacterSelected>(account, new SelectCharacter(Thomas, "trinity"));
        Assert.Equal((new PlayerId("trinity"), "Trinity"), (selected.PlayerId, selected.Name));
        Assert.Equal(AccountErrorCodes.UnknownCharacter, Ask<CharacterFailed>(account, new SelectCharacter(Thomas, "Tank")).Code);

        Assert.Equal(3, LoginOk(account).Characters.Length);
        StopGracefully(account);
        Assert.Equal(3, Ask<CharacterList>(StartAccount(Thomas), new ListCharacters(Thomas)).Characters.Length);
    }

    [Fact]
    public void Character_names_are_unique_across_accounts()
    {
        var thomas = StartThomas();
        var smith = StartRegistered(Smith, "Smith");
        Ask<CharacterCreated>(thomas, new CreateCharacter(Thomas, "Neo"));

        var taken = Ask<CharacterFailed>(smith, new CreateCharacter(Smith, "neo"));
        Assert.Equal(AccountErrorCodes.NameTaken, taken.Code);
        Assert.Empty(Ask<CharacterList>(smith, new ListCharacters(Smith)).Characters);
        Assert.Equal(AccountErrorCodes.UnknownCharacter, Ask<CharacterFailed>(smith, new SelectCharacter(Smith, "Neo")).Code);
        Ask<CharacterCreated>(smith, new CreateCharacter(Smith, "AgentSmith"));

        _names.Tell(new CharacterNameCommands.GetOwner(new PlayerId("neo")));
        Assert.Equal(Thomas, ExpectMsg<CharacterNameReplies.OwnerIs>().Owner);
    }

    [Fact]
    public void An_unregistered_account_has_no_characters()
    {
        var account = StartAccount(Nobody);
        Assert.Equal(AccountErrorCodes.NotRegistered, Ask<CharacterFailed>(account, new CreateCharacter(Nobody, "Neo")).Code);
        Assert.Empty(Ask<CharacterList>(account, new ListCharacters(Nobody)).Characters);
    }

    [Fact]
    public void A_silent_name_registry_gives_a_timeout_and_the_account_keeps_working()
    {
        var registry = CreateTestProbe();
        var account = StartAccount(Thomas, Settings with { ClaimTimeout = TimeSpan.FromMilliseconds(300) }, registry.Ref);
        account.Tell(new Register(Thomas, "Thomas.Anderson", Password));
        ExpectMsg<Registered>();

        account.Tell(new CreateCharacter(Thomas, "Neo"));
        registry.ExpectMsg<CharacterNameCommands.Claim>();
        account.Tell(new ListCharacters(Thomas)); // held while the claim is pending
        Assert.Equal(AccountErrorCodes.Timeout, ExpectMsg<CharacterFailed>(TimeSpan.FromSeconds(3)).Code);
        Assert.Empty(ExpectMsg<CharacterList>().Characters);

        // The retry: this time the registry answers (a late answer to the first claim changes nothing).
        account.Tell(new CreateCharacter(Thomas, "Neo"));
        var claim = registry.ExpectMsg<CharacterNameCommands.Claim>();
        Assert.Equal(Thomas, claim.Owner);
        registry.Reply(new CharacterNameReplies.Claimed(claim.Character, claim.Name, claim.Owner));
        Assert.Equal("Neo", ExpectMsg<CharacterCreated>().Character.Name);
    }

    [Fact]
    public void A_busy_account_holds_a_bounded_number_of_commands_and_refuses_the_rest()
    {
        var registry = CreateTestProbe();
        var account = StartAccount(Thomas, Settings with { MaxPendingCommands = 2 }, registry.Ref);
        account.Tell(new Register(Thomas, "Thomas.Anderson", Password));
        ExpectMsg<Registered>();

        account.Tell(new CreateCharacter(Thomas, "Neo"));
        var claim = registry.ExpectMsg<CharacterNameCommands.Claim>();
        for (var i = 0; i < 4; i++) account.Tell(new GetAccount(Thomas));
        Assert.Equal(AccountErrorCodes.Busy, ExpectMsg<Rejected>().Code);
        Assert.Equal(AccountErrorCodes.Busy, ExpectMsg<Rejected>().Code);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        registry.Reply(new CharacterNameReplies.Claimed(claim.Character, claim.Name, claim.Owner));
        ExpectMsg<CharacterCreated>();
        Assert.Single(ExpectMsg<AccountSummary>().Characters);
        Assert.Single(ExpectMsg<AccountSummary>().Characters);
    }

    // ------------------------------------------------------------------ refresh tokens

    [Fact]
    public void Refreshing_rotates_the_token_every_time()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        var first = Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken));
        Assert.NotEqual(login.RefreshToken, first.RefreshToken);
        Assert.Equal(login.FamilyId, first.FamilyId);
        Assert.Equal([Permissions.Player], first.Permissions);

        _clock.Advance(TimeSpan.FromMinutes(15));
        var second = Ask<Refreshed>(account, new Refresh(Thomas, first.RefreshToken));
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(_clock.GetUtcNow().AddDays(30).ToUnixTimeMilliseconds(), second.ExpiresAtUnixMs);
        Assert.Equal(1, Summary(account).RefreshFamilies);
    }

    [Fact]
    public void Reusing_a_rotated_token_after_the_grace_window_revokes_the_whole_family()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        var other = LoginOk(account);
        var next = Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken));

        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(new RefreshFailed(Thomas, AccountErrorCodes.TokenReused, true),
            Ask<RefreshFailed>(account, new Refresh(Thomas, login.RefreshToken)));
        // The successor died with its family; the other login's family is untouched.
        Assert.Equal(new RefreshFailed(Thomas, AccountErrorCodes.InvalidToken, false),
            Ask<RefreshFailed>(account, new Refresh(Thomas, next.RefreshToken)));
        Ask<Refreshed>(account, new Refresh(Thomas, other.RefreshToken));
        Assert.Equal(1, Summary(account).RefreshFamilies);
    }

    [Fact]
    public void Racing_refreshes_with_the_same_token_get_the_same_successor()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        account.Tell(new Refresh(Thomas, login.RefreshToken), a.Ref);
        account.Tell(new Refresh(Thomas, login.RefreshToken), b.Ref);
        var first = a.ExpectMsg<Refreshed>();
        var second = b.ExpectMsg<Refreshed>();
        Assert.Equal(first.RefreshToken, second.RefreshToken);

        // Still inside the window a little later: the same successor again, and it keeps working.
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(first.RefreshToken, Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken)).RefreshToken);
        var next = Ask<Refreshed>(account, new Refresh(Thomas, first.RefreshToken));
        Assert.NotEqual(first.RefreshToken, next.RefreshToken);
    }

    [Fact]
    public void A_race_across_a_restart_is_refused_without_revoking_the_family()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        var next = Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken));
        StopGracefully(account);

        var restarted = StartAccount(Thomas);
        Assert.Equal(new RefreshFailed(Thomas, AccountErrorCodes.InvalidToken, false),
            Ask<RefreshFailed>(restarted, new Refresh(Thomas, login.RefreshToken)));
        Ask<Refreshed>(restarted, new Refresh(Thomas, next.RefreshToken));
    }

    [Fact]
    public void Expired_malformed_and_foreign_tokens_are_invalid()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, "garbage")).Code);
        var foreign = RefreshTokens.NewToken(RefreshTokens.NewFamilyId());
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, foreign)).Code);

        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, login.RefreshToken)).Code);
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(StartAccount(Nobody), new Refresh(Nobody, login.RefreshToken)).Code);
    }

    [Fact]
    public void Logging_out_revokes_the_family_and_is_idempotent()
    {
        var account = StartThomas();
        var login = LoginOk(account);
        var next = Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken));
        Assert.Equal(new LoggedOut(Thomas, true), Ask<LoggedOut>(account, new Logout(Thomas, next.RefreshToken)));
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, next.RefreshToken)).Code);
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, login.RefreshToken)).Code);
        Assert.Equal(new LoggedOut(Thomas, false), Ask<LoggedOut>(account, new Logout(Thomas, next.RefreshToken)));
    }

    [Fact]
    public void Logins_beyond_the_family_limit_revoke_the_oldest()
    {
        var account = StartThomas(Settings with { MaxRefreshFamilies = 2 });
        var first = LoginOk(account);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = LoginOk(account);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var third = LoginOk(account);
        Assert.Equal(2, Summary(account).RefreshFamilies);
        Assert.Equal(AccountErrorCodes.InvalidToken, Ask<RefreshFailed>(account, new Refresh(Thomas, first.RefreshToken)).Code);
        Ask<Refreshed>(account, new Refresh(Thomas, second.RefreshToken));
        Ask<Refreshed>(account, new Refresh(Thomas, third.RefreshToken));
    }

    // ------------------------------------------------------------------ permissions

    [Fact]
    public void Operators_grant_and_revoke_permissions_and_tokens_carry_them()
    {
        var account = StartThomas();
        Assert.Equal([Permissions.Player, Permissions.GameMaster],
            Ask<PermissionsChanged>(account, new GrantPermission(Thomas, Permissions.GameMaster)).Permissions);
        Assert.Equal([Permissions.Player, Permissions.GameMaster],
            Ask<PermissionsChanged>(account, new GrantPermission(Thomas, Permissions.GameMaster)).Permissions);
        var login = LoginOk(account);
        Assert.Contains(Permissions.GameMaster, login.Permissions);

        Assert.Equal([Permissions.Player], Ask<PermissionsChanged>(account, new RevokePermission(Thomas, Permissions.GameMaster)).Permissions);
        Assert.Equal([Permissions.Player], Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken)).Permissions);

        Assert.Equal(AccountErrorCodes.UnknownPermission, Ask<Rejected>(account, new GrantPermission(Thomas, "root")).Code);
        Assert.Equal(AccountErrorCodes.NotRegistered,
            Ask<Rejected>(StartAccount(Nobody), new GrantPermission(Nobody, Permissions.Admin)).Code);
    }

    // ------------------------------------------------------------------ recovery

    [Fact]
    public void A_restarted_account_recovers_the_same_state_through_snapshots()
    {
        var account = StartThomas();
        Ask<CharacterCreated>(account, new CreateCharacter(Thomas, "Neo"));
        Ask<PermissionsChanged>(account, new GrantPermission(Thomas, Permissions.Admin));
        var login = LoginOk(account);
        var refreshed = Ask<Refreshed>(account, new Refresh(Thomas, login.RefreshToken));
        LoginOk(account);
        var before = Summary(account);
        StopGracefully(account);

        var restarted = StartAccount(Thomas);
        var after = Summary(restarted);
        Assert.Equal(
            (before.Registered, before.DisplayName, before.LockedUntilUnixMs, before.RefreshFamilies, before.PasswordIterations),
            (after.Registered, after.DisplayName, after.LockedUntilUnixMs, after.RefreshFamilies, after.PasswordIterations));
        Assert.Equal(before.Permissions, after.Permissions);
        Assert.Equal(before.Characters, after.Characters);
        Assert.Equal(2, after.RefreshFamilies);

        // Tokens issued before the restart still rotate after it.
        Ask<Refreshed>(restarted, new Refresh(Thomas, refreshed.RefreshToken));
    }

    // ------------------------------------------------------------------ name registry

    [Fact]
    public void The_name_registry_grants_a_name_once_and_remembers_its_owner()
    {
        var neo = new PlayerId("neo");
        var entry = Sys.ActorOf(CharacterNameEntity.PropsFor("neo", Settings));
        entry.Tell(new CharacterNameCommands.Claim(neo, "Neo", Thomas));
        Assert.Equal(new CharacterNameReplies.Claimed(neo, "Neo", Thomas), ExpectMsg<CharacterNameReplies.Claimed>());
        entry.Tell(new CharacterNameCommands.Claim(neo, "NEO", Thomas));
        Assert.Equal(new CharacterNameReplies.Claimed(neo, "Neo", Thomas), ExpectMsg<CharacterNameReplies.Claimed>());
        entry.Tell(new CharacterNameCommands.Claim(neo, "Neo", Smith));
        Assert.Equal(new CharacterNameReplies.Refused(neo, AccountErrorCodes.NameTaken), ExpectMsg<CharacterNameReplies.Refused>());

        Watch(entry);
        entry.Tell(EntityStop.Instance);
        ExpectTerminated(entry);
        var restarted = Sys.ActorOf(CharacterNameEntity.PropsFor("neo", Settings));
        restarted.Tell(new CharacterNameCommands.GetOwner(neo));
        Assert.Equal(new CharacterNameReplies.OwnerIs(neo, Thomas, "Neo"), ExpectMsg<CharacterNameReplies.OwnerIs>());
        restarted.Tell(new CharacterNameCommands.Claim(neo, "Neo", Smith));
        ExpectMsg<CharacterNameReplies.Refused>();
    }

    [Fact]
    public void The_name_registry_refuses_names_that_do_not_match_its_key()
    {
        var entry = Sys.ActorOf(CharacterNameEntity.PropsFor("neo", Settings));
        entry.Tell(new CharacterNameCommands.Claim(new PlayerId("neo"), "Trinity", Thomas));
        Assert.Equal(AccountErrorCodes.InvalidName, ExpectMsg<CharacterNameReplies.Refused>().Code);
        entry.Tell(new CharacterNameCommands.GetOwner(new PlayerId("neo")));
        Assert.Null(ExpectMsg<CharacterNameReplies.OwnerIs>().Owner);
    }
}
