using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>
/// One account, keyed by the normalised user name: sharded, persistent. A thin shell around <see cref="AccountLogic"/>:
/// it persists, applies, replies, snapshots and passivates.
/// <para>
/// Password hashing (register, login, change password) runs off the actor's thread through the node's one bounded
/// <see cref="PasswordWork"/> queue + PipeTo. A full queue refuses at once ("busy") and the account stays ready. While its
/// job is queued or running the account is "busy": it stashes
/// up to <see cref="AccountSettings.MaxPendingCommands"/> commands and answers "busy" beyond that, so an account never
/// blocks a dispatcher thread and never queues without bound. Creating a character waits for the name registry the
/// same way.
/// </para>
/// <para>
/// Persisted: registration, password hashes (changes and re-hashes), locks, characters, refresh-token families
/// (hashes only), permissions. Transient: the failed-login counts per address and across the account
/// (<see cref="LoginThrottle"/>, with the per-address locks) and, for the grace
/// window, the plain text of each family's latest successor token, so a racing refresh can be given it again. If the
/// account restarts inside that window the racing refresh gets "invalid_token" — it never revokes the family.
/// </para>
/// </summary>
public sealed class AccountEntity : MxoEntity<AccountState>, IWithTimers
{
    private sealed record RegisterHashed(AccountCommands.Register Command, PasswordHash Hash, IActorRef ReplyTo);
    private sealed record LoginChecked(AccountCommands.Login Command, bool Ok, PasswordHash? Rehash, IActorRef ReplyTo);
    private sealed record PasswordChecked(AccountCommands.ChangePassword Command, bool Ok, PasswordHash? NewHash, IActorRef ReplyTo);
    private sealed record HashingFailed(Exception Cause, IActorRef ReplyTo);
    private sealed record RegisterExpired(IActorRef ReplyTo);
    private sealed record ClaimTimedOut(PlayerId Character);
    private sealed record PendingClaim(PlayerId Character, IActorRef ReplyTo, string? Org = null);
    private sealed record Successor(byte[] ReplacedHash, string Token);

    private readonly AccountSettings _settings;
    private readonly IActorRef _characterNames;
    private readonly TimeProvider _clock;
    private readonly PasswordWork _work;
    private readonly Dictionary<string, Successor> _successors = new();
    private LoginThrottle _throttle = LoginThrottle.None;
    private PendingClaim? _pendingClaim;
    private int _stashed;

    public AccountEntity(string entityId, AccountSettings settings, IActorRef characterNames, PasswordWork work, TimeProvider clock)
        : base("account-" + entityId, AccountState.Empty(new AccountId(entityId)), settings.SnapshotEvery)
    {
        _work = work;
        _settings = settings;
        _characterNames = characterNames;
        _clock = clock;
        Ready();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private AccountId Id => State.AccountId;

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <param name="work">The node's password queue: one per actor system, shared by all its accounts.</param>
    public static Props PropsFor(string entityId, AccountSettings settings, IActorRef characterNames, PasswordWork work,
        TimeProvider? clock = null) =>
        Props.Create(() => new AccountEntity(entityId, settings, characterNames, work, clock ?? TimeProvider.System));

    protected override AccountState Apply(AccountState state, IMxoEvent @event) => AccountLogic.Apply(state, @event);

    protected override void OnRecovered() => Context.SetReceiveTimeout(_settings.IdleTimeout);

    // ---------------------------------------------------------------- behaviours

    private void Ready()
    {
        Command<AccountCommands.Register>(HandleRegister);
        Command<AccountCommands.Login>(HandleLogin);
        Command<AccountCommands.ChangePassword>(HandleChangePassword);
        Command<AccountCommands.CreateCharacter>(HandleCreateCharacter);
        Command<AccountCommands.ListCharacters>(_ => Sender.Tell(new AccountReplies.CharacterList(Id, [.. State.Characters])));
        Command<AccountCommands.SelectCharacter>(HandleSelectCharacter);
        Command<AccountCommands.Refresh>(HandleRefresh);
        Command<AccountCommands.Logout>(HandleLogout);
        Command<AccountCommands.GrantPermission>(HandleGrant);
        Command<AccountCommands.RevokePermission>(HandleRevoke);
        Command<AccountCommands.GetAccount>(_ => Sender.Tell(AccountLogic.Summary(State, _throttle)));
        // Late answers to a claim that already timed out: the claim is idempotent, a retry will succeed.
        Command<CharacterNameReplies.Claimed>(_ => { });
        Command<CharacterNameReplies.Refused>(_ => { });
        Command<ClaimTimedOut>(_ => { });
        CommandStop();
        Command<ReceiveTimeout>(_ => RequestPassivation());
    }

    private void Busy()
    {
        Command<RegisterHashed>(OnRegisterHashed);
        Command<LoginChecked>(OnLoginChecked);
        Command<PasswordChecked>(OnPasswordChecked);
        Command<HashingFailed>(failed =>
        {
            Log.Error(failed.Cause, "Password hashing for {0} failed", Id);
            failed.ReplyTo.Tell(new AccountReplies.Rejected(Id, AccountErrorCodes.Busy, "the password check failed; retry"));
            BecomeReady();
        });
        Command<RegisterExpired>(expired =>
        {
            expired.ReplyTo.Tell(RegisterTimedOut());
            BecomeReady();
        });
        Command<CharacterNameReplies.Claimed>(OnNameClaimed);
        Command<CharacterNameReplies.Refused>(OnNameRefused);
        Command<ClaimTimedOut>(OnClaimTimedOut);
        // Stopping waits for the work in flight; it is never refused.
        Command<EntityStop>(_ => Stash.Stash());
        Command<ReceiveTimeout>(_ => { });
        Command<IAccountCommand>(_ =>
        {
            if (_stashed >= _settings.MaxPendingCommands)
            {
                Sender.Tell(new AccountReplies.Rejected(Id, AccountErrorCodes.Busy, "the account is busy; retry shortly"));
                return;
            }
            _stashed++;
            Stash.Stash();
        });
    }

    private void BecomeBusy() => Become(Busy);

    private void BecomeReady()
    {
        Become(Ready);
        _stashed = 0;
        Stash.UnstashAll();
    }

    /// <summary>
    /// Queues CPU-heavy work on the node's <see cref="PasswordWork"/> and pipes its result to this account, which is busy
    /// until then. A full queue answers "busy" at once and the account stays ready. A job whose
    /// <paramref name="stillWanted"/> says no when its turn comes is dropped (<see cref="RegisterExpired"/>).
    /// </summary>
    private void RunOffThread(PasswordJobKind kind, Func<object> work, IActorRef replyTo, Func<bool>? stillWanted = null)
    {
        if (_work.TryRun(kind, work, stillWanted) is not { } job)
        {
            if (_work.RefusalsToLog(Environment.TickCount64, TimeSpan.FromSeconds(10)) is > 0 and var refused)
                Log.Warning("Password queue full: {0} password checks refused as busy since the last such line (this one: {1} of {2})",
                    refused, kind, Id);
            replyTo.Tell(new AccountReplies.Rejected(Id, AccountErrorCodes.Busy, "the server is busy checking passwords; retry shortly"));
            return;
        }
        BecomeBusy();
        job.PipeTo(Self, failure: cause => cause is PasswordJobExpiredException or AggregateException { InnerException: PasswordJobExpiredException }
            ? new RegisterExpired(replyTo)
            : new HashingFailed(cause, replyTo));
    }

    /// <summary>The register command's deadline (the edge's ask timeout) has passed: the edge has answered already.</summary>
    private bool DeadlinePassed(AccountCommands.Register cmd) => cmd.DeadlineUnixMs > 0 && NowMs >= cmd.DeadlineUnixMs;

    private AccountReplies.RegisterFailed RegisterTimedOut() =>
        new(Id, AccountErrorCodes.Timeout, "the request gave up before the account was created; nothing was created");

    // ---------------------------------------------------------------- register

    private void HandleRegister(AccountCommands.Register cmd)
    {
        if (AccountLogic.CheckRegister(State, cmd.DisplayName, cmd.Password) is { } refusal)
        {
            Sender.Tell(new AccountReplies.RegisterFailed(Id, refusal.Code, refusal.Message));
            return;
        }
        var replyTo = Sender;
        var password = cmd.Password;
        var algorithm = _settings.PasswordAlgorithm;
        var iterations = _settings.PasswordIterations;
        RunOffThread(PasswordJobKind.Registration,
            () => new RegisterHashed(cmd, PasswordHasher.Hash(password, algorithm, iterations), replyTo), replyTo,
            () => !DeadlinePassed(cmd));
    }

    private void OnRegisterHashed(RegisterHashed hashed)
    {
        if (State.Registered)
        {
            hashed.ReplyTo.Tell(new AccountReplies.RegisterFailed(Id, AccountErrorCodes.NameTaken, "that user name is taken"));
            BecomeReady();
            return;
        }
        if (DeadlinePassed(hashed.Command))
        {
            // The edge answered 503 already; creating the account now would make that 503 a lie.
            Log.Info("Registration of {0} dropped: its request gave up while the password was hashed", Id);
            hashed.ReplyTo.Tell(RegisterTimedOut());
            BecomeReady();
            return;
        }
        var displayName = hashed.Command.DisplayName.Trim();
        PersistThen([new AccountEvents.AccountRegistered(Id, displayName, hashed.Hash, NowMs)], () =>
        {
            Log.Info("Account {0} registered", Id);
            hashed.ReplyTo.Tell(new AccountReplies.Registered(Id, displayName));
            BecomeReady();
        });
    }

    // ---------------------------------------------------------------- login and passwords

    private void HandleLogin(AccountCommands.Login cmd)
    {
        var now = NowMs;
        if (AccountLogic.CheckAttempt(State, _throttle, cmd.Address, now, _settings) is { } refused)
        {
            Sender.Tell(new AccountReplies.LoginFailed(Id, refused.Code, AccountLogic.RetryAfterSeconds(refused.UntilUnixMs, now)));
            return;
        }
        var replyTo = Sender;
        var password = cmd.Password ?? "";
        var stored = State.Registered ? State.Password : null;
        var algorithm = _settings.PasswordAlgorithm;
        var iterations = _settings.PasswordIterations;
        RunOffThread(PasswordJobKind.Login, () =>
        {
            // An unknown user name costs a full check too, against a hash nothing matches: same answer, same time.
            var verification = PasswordHasher.Verify(password, stored ?? PasswordHasher.Dummy(algorithm, iterations), algorithm, iterations);
            var ok = stored is not null && verification.Ok;
            var rehash = ok && verification.NeedsRehash ? PasswordHasher.Hash(password, algorithm, iterations) : null;
            return new LoginChecked(cmd, ok, rehash, replyTo);
        }, replyTo);
    }

    private void OnLoginChecked(LoginChecked checkedLogin)
    {
        var now = NowMs;
        if (!checkedLogin.Ok)
        {
            Log.Info("Failed login for {0} from {1}", Id, checkedLogin.Command.Address ?? "an unknown address");
            RecordFailure(checkedLogin.Command.Address, now, lockedUntil => checkedLogin.ReplyTo.Tell(lockedUntil > now
                ? new AccountReplies.LoginFailed(Id, AccountErrorCodes.AccountLocked, AccountLogic.RetryAfterSeconds(lockedUntil, now))
                : new AccountReplies.LoginFailed(Id, AccountErrorCodes.InvalidCredentials, 0)));
            return;
        }

        _throttle = AccountLogic.Succeeded(_throttle, checkedLogin.Command.Address);
        var events = new List<IMxoEvent>();
        if (checkedLogin.Rehash is { } rehash) events.Add(new AccountEvents.PasswordRehashed(rehash));
        var familyId = RefreshTokens.NewFamilyId();
        var token = RefreshTokens.NewToken(familyId);
        var issue = AccountLogic.DecideIssue(State, familyId, RefreshTokens.HashOf(token), now, _settings);
        events.AddRange(issue);
        var expiresAt = ((AccountEvents.RefreshTokenIssued)issue[^1]).ExpiresAtUnixMs;
        PersistThen(events, () =>
        {
            if (checkedLogin.Rehash is not null) Log.Info("Password of {0} re-hashed with current parameters", Id);
            checkedLogin.ReplyTo.Tell(new AccountReplies.LoginSucceeded(Id, State.DisplayName, [.. State.Permissions],
                [.. State.Characters], token, familyId, expiresAt));
            BecomeReady();
        });
    }

    private void HandleChangePassword(AccountCommands.ChangePassword cmd)
    {
        var now = NowMs;
        if (AccountRules.ValidatePassword(cmd.NewPassword) is { } error)
        {
            Sender.Tell(new AccountReplies.PasswordChangeFailed(Id, AccountErrorCodes.InvalidPassword, error, 0));
            return;
        }
        if (AccountLogic.CheckAttempt(State, _throttle, null, now, _settings) is { } refused)
        {
            Sender.Tell(new AccountReplies.PasswordChangeFailed(Id, refused.Code, "too many failed attempts",
                AccountLogic.RetryAfterSeconds(refused.UntilUnixMs, now)));
            return;
        }
        var replyTo = Sender;
        var oldPassword = cmd.OldPassword ?? "";
        var newPassword = cmd.NewPassword;
        var stored = State.Registered ? State.Password : null;
        var algorithm = _settings.PasswordAlgorithm;
        var iterations = _settings.PasswordIterations;
        RunOffThread(PasswordJobKind.Login, () =>
        {
            var verification = PasswordHasher.Verify(oldPassword, stored ?? PasswordHasher.Dummy(algorithm, iterations), algorithm, iterations);
            var ok = stored is not null && verification.Ok;
            return new PasswordChecked(cmd, ok, ok ? PasswordHasher.Hash(newPassword, algorithm, iterations) : null, replyTo);
        }, replyTo);
    }

    private void OnPasswordChecked(PasswordChecked checkedPassword)
    {
        var now = NowMs;
        if (!checkedPassword.Ok || checkedPassword.NewHash is not { } newHash)
        {
            RecordFailure(null, now, lockedUntil => checkedPassword.ReplyTo.Tell(lockedUntil > now
                ? new AccountReplies.PasswordChangeFailed(Id, AccountErrorCodes.AccountLocked, "too many failed attempts",
                    AccountLogic.RetryAfterSeconds(lockedUntil, now))
                : new AccountReplies.PasswordChangeFailed(Id, AccountErrorCodes.InvalidCredentials, "the password is wrong", 0)));
            return;
        }
        _throttle = AccountLogic.Succeeded(_throttle, null);
        var revoked = State.RefreshFamilies.Count;
        PersistThen([new AccountEvents.PasswordChanged(newHash, now)], () =>
        {
            _successors.Clear();
            Log.Info("Password of {0} changed; {1} refresh families revoked", Id, revoked);
            checkedPassword.ReplyTo.Tell(new AccountReplies.PasswordChanged(Id, revoked));
            BecomeReady();
        });
    }

    /// <summary>Counts a failed password check from <paramref name="address"/> (in memory), replies with the lock it
    /// caused (0: none), then leaves "busy".</summary>
    private void RecordFailure(string? address, long now, Action<long> reply)
    {
        var (throttle, lockedUntil) = AccountLogic.DecideFailure(_throttle, address, now, _settings);
        _throttle = throttle;
        if (lockedUntil > 0)
            Log.Warning("{0} locked out of {1} for {2} after {3} failed password checks", address ?? "an unknown address", Id,
                _settings.LockDuration, _settings.LockAfterFailures);
        reply(lockedUntil);
        BecomeReady();
    }

    // ---------------------------------------------------------------- characters

    private void HandleCreateCharacter(AccountCommands.CreateCharacter cmd)
    {
        switch (AccountLogic.DecideCreateCharacter(State, cmd.CharacterName, _settings, cmd.Org))
        {
            case CharacterDecision.Refuse refuse:
                Sender.Tell(new AccountReplies.CharacterFailed(Id, cmd.CharacterName ?? "", refuse.Code, refuse.Message));
                return;
            case CharacterDecision.AlreadyOwned owned:
                Sender.Tell(new AccountReplies.CharacterCreated(Id, owned.Character));
                return;
            case CharacterDecision.Claim claim:
                _pendingClaim = new PendingClaim(claim.Character, Sender, claim.Org);
                BecomeBusy();
                _characterNames.Tell(new CharacterNameCommands.Claim(claim.Character, claim.Name, Id));
                Timers.StartSingleTimer("claim", new ClaimTimedOut(claim.Character), _settings.ClaimTimeout);
                return;
        }
    }

    private void OnNameClaimed(CharacterNameReplies.Claimed claimed)
    {
        if (_pendingClaim is not { } pending || pending.Character != claimed.Character || claimed.Owner != Id) return;
        Timers.Cancel("claim");
        _pendingClaim = null;
        PersistThen([new AccountEvents.CharacterAdded(claimed.Character, claimed.Name) { Org = pending.Org }], () =>
        {
            pending.ReplyTo.Tell(new AccountReplies.CharacterCreated(Id, new AccountCharacter(claimed.Character, claimed.Name) { Org = pending.Org }));
            BecomeReady();
        });
    }

    private void OnNameRefused(CharacterNameReplies.Refused refused)
    {
        if (_pendingClaim is not { } pending || pending.Character != refused.Character) return;
        Timers.Cancel("claim");
        _pendingClaim = null;
        var message = refused.Code == AccountErrorCodes.NameTaken ? "that character name is taken" : "that character name is not allowed";
        pending.ReplyTo.Tell(new AccountReplies.CharacterFailed(Id, refused.Character.Value, refused.Code, message));
        BecomeReady();
    }

    private void OnClaimTimedOut(ClaimTimedOut timeout)
    {
        if (_pendingClaim is not { } pending || pending.Character != timeout.Character) return;
        _pendingClaim = null;
        Log.Warning("The character name registry did not answer {0} about '{1}' in time", Id, timeout.Character);
        pending.ReplyTo.Tell(new AccountReplies.CharacterFailed(Id, timeout.Character.Value, AccountErrorCodes.Timeout,
            "the name registry did not answer in time; retry"));
        BecomeReady();
    }

    private void HandleSelectCharacter(AccountCommands.SelectCharacter cmd)
    {
        if (AccountLogic.FindCharacter(State, cmd.CharacterName) is { } character)
            Sender.Tell(new AccountReplies.CharacterSelected(Id, character.PlayerId, character.Name) { Org = character.Org });
        else
            Sender.Tell(new AccountReplies.CharacterFailed(Id, cmd.CharacterName ?? "", AccountErrorCodes.UnknownCharacter,
                "this account has no character of that name"));
    }

    // ---------------------------------------------------------------- refresh tokens

    private void HandleRefresh(AccountCommands.Refresh cmd)
    {
        if (!RefreshTokens.TryParseFamily(cmd.RefreshToken, out var familyId))
        {
            Sender.Tell(new AccountReplies.RefreshFailed(Id, AccountErrorCodes.InvalidToken, false));
            return;
        }
        var replyTo = Sender;
        var successor = RefreshTokens.NewToken(familyId);
        switch (AccountLogic.DecideRefresh(State, cmd.RefreshToken, RefreshTokens.HashOf(successor), NowMs, _settings))
        {
            case RefreshDecision.Rotate rotate:
                PersistThen([rotate.Event], () =>
                {
                    _successors[familyId] = new Successor(rotate.Event.OldHash, successor);
                    replyTo.Tell(new AccountReplies.Refreshed(Id, successor, familyId, rotate.Event.ExpiresAtUnixMs, [.. State.Permissions]));
                });
                return;
            case RefreshDecision.ResendSuccessor resend:
                if (_successors.TryGetValue(familyId, out var kept) && CryptographicOperations.FixedTimeEquals(kept.ReplacedHash, resend.PreviousHash))
                    replyTo.Tell(new AccountReplies.Refreshed(Id, kept.Token, familyId, resend.ExpiresAtUnixMs, [.. State.Permissions]));
                else
                    replyTo.Tell(new AccountReplies.RefreshFailed(Id, AccountErrorCodes.InvalidToken, false));
                return;
            case RefreshDecision.Reused reused:
                PersistThen([reused.Event], () =>
                {
                    _successors.Remove(familyId);
                    Log.Warning("A used refresh token of {0} was presented again: family {1} revoked", Id, familyId);
                    replyTo.Tell(new AccountReplies.RefreshFailed(Id, AccountErrorCodes.TokenReused, true));
                });
                return;
            default:
                replyTo.Tell(new AccountReplies.RefreshFailed(Id, AccountErrorCodes.InvalidToken, false));
                return;
        }
    }

    private void HandleLogout(AccountCommands.Logout cmd)
    {
        if (AccountLogic.DecideLogout(State, cmd.RefreshToken) is not { } revoked)
        {
            Sender.Tell(new AccountReplies.LoggedOut(Id, false));
            return;
        }
        var replyTo = Sender;
        PersistThen([revoked], () =>
        {
            _successors.Remove(revoked.FamilyId);
            replyTo.Tell(new AccountReplies.LoggedOut(Id, true));
        });
    }

    // ---------------------------------------------------------------- permissions

    private void HandleGrant(AccountCommands.GrantPermission cmd)
    {
        if (AccountLogic.CheckPermission(State, cmd.Permission) is { } refusal)
        {
            Sender.Tell(new AccountReplies.Rejected(Id, refusal.Code, refusal.Message));
            return;
        }
        PersistThenReplyPermissions(AccountLogic.DecideGrant(State, cmd.Permission));
    }

    private void HandleRevoke(AccountCommands.RevokePermission cmd)
    {
        if (AccountLogic.CheckPermission(State, cmd.Permission) is { } refusal)
        {
            Sender.Tell(new AccountReplies.Rejected(Id, refusal.Code, refusal.Message));
            return;
        }
        PersistThenReplyPermissions(AccountLogic.DecideRevoke(State, cmd.Permission));
    }

    private void PersistThenReplyPermissions(IMxoEvent? change)
    {
        var replyTo = Sender;
        PersistThen(change is null ? [] : [change], () =>
        {
            if (change is not null) Log.Info("Permissions of {0} changed: {1}", Id, change);
            replyTo.Tell(new AccountReplies.PermissionsChanged(Id, [.. State.Permissions]));
        });
    }
}
