namespace Mxo.Actors.Accounts;

/// <summary>Which share of the waiting slots a job may use (<see cref="PasswordWork"/>).</summary>
public enum PasswordJobKind
{
    /// <summary>Logins and password changes: any waiting slot, and run before every waiting registration.</summary>
    Login,

    /// <summary>Registrations: at most half of the waiting slots, run only when no login waits.</summary>
    Registration,
}

/// <summary>The job was dropped before it started because its requester no longer wanted it (a deadline passed).</summary>
public sealed class PasswordJobExpiredException() : Exception("the password job was no longer wanted when its turn came");

/// <summary>
/// The node's one queue for PBKDF2 work (hashing and checking passwords), shared by every account on the node: at most
/// <c>concurrency</c> jobs run at once on the thread pool and at most <c>queueLimit</c> wait. A job that does not fit
/// is refused at once (<see cref="TryRun{T}"/> returns null) instead of queueing without bound, so a burst of
/// registrations costs bounded memory and bounded waiting, and the caller answers "busy" while the work is still cheap
/// to refuse. Logins keep a reserved share: registrations may hold at most half of the waiting slots, and a waiting
/// login always starts before a waiting registration, so a registration flood delays a login by at most one round of
/// running jobs. Thread-safe; one instance per actor system (<c>AccountRegistration.AddAccountEntity</c> makes it).
/// </summary>
public sealed class PasswordWork
{
    private sealed record Job(Func<bool> StillWanted, Action<bool> Start);

    private readonly int _concurrency;
    private readonly int _queueLimit;
    private readonly Queue<Job> _logins = new();
    private readonly Queue<Job> _registrations = new();
    private readonly Lock _gate = new();
    private int _running;
    private long _refused;
    private long _refusedLogged;
    private long _lastLogMs = long.MinValue;

    public PasswordWork(int concurrency, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueLimit, 2);
        _concurrency = concurrency;
        _queueLimit = queueLimit;
    }

    /// <summary>The node's queue as <paramref name="settings"/> size it.</summary>
    public static PasswordWork For(AccountSettings settings) => new(settings.HashingConcurrency, settings.HashingQueueLimit);

    /// <summary>Registrations that may wait at once: half of the waiting slots.</summary>
    public int RegistrationLimit => _queueLimit / 2;

    /// <summary>Jobs waiting for a worker (tests, metrics).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate) return _logins.Count + _registrations.Count;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> when a worker is free, unless <paramref name="stillWanted"/> says no by then (the
    /// task then fails with <see cref="PasswordJobExpiredException"/>). Null when the queue has no room for this kind.
    /// </summary>
    public Task<T>? TryRun<T>(PasswordJobKind kind, Func<T> work, Func<bool>? stillWanted = null)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = new Job(stillWanted ?? (() => true), wanted =>
        {
            if (!wanted)
            {
                done.SetException(new PasswordJobExpiredException());
                return;
            }
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });

        lock (_gate)
        {
            if (_running < _concurrency)
            {
                _running++;
                ThreadPool.UnsafeQueueUserWorkItem(_ => RunFrom(job), null);
                return done.Task;
            }
            var waiting = _logins.Count + _registrations.Count;
            if (waiting >= _queueLimit || (kind == PasswordJobKind.Registration && _registrations.Count >= RegistrationLimit))
            {
                _refused++;
                return null;
            }
            if (kind == PasswordJobKind.Registration)
            {
                _registrations.Enqueue(job);
            }
            else
            {
                _logins.Enqueue(job);
            }
        }
        return done.Task;
    }

    /// <summary>
    /// For one warning per <paramref name="window"/> however many jobs are refused (a registration flood must not flood
    /// the log): the number refused since the last call that returned a count, or 0 while the window has not passed.
    /// </summary>
    public long RefusalsToLog(long nowMs, TimeSpan window)
    {
        lock (_gate)
        {
            if (_refused == _refusedLogged || (_lastLogMs != long.MinValue && nowMs - _lastLogMs < (long)window.TotalMilliseconds)) return 0;
            var count = _refused - _refusedLogged;
            _refusedLogged = _refused;
            _lastLogMs = nowMs;
            return count;
        }
    }

    /// <summary>A worker: runs its job, then takes the next (logins first) until none waits.</summary>
    private void RunFrom(Job? job)
    {
        while (job is not null)
        {
            bool wanted;
            try
            {
                wanted = job.StillWanted();
            }
            catch (Exception)
            {
                wanted = false;
            }
            job.Start(wanted);
            lock (_gate)
            {
                if (!_logins.TryDequeue(out job) && !_registrations.TryDequeue(out job))
                {
                    _running--;
                    job = null;
                }
            }
        }
    }
}
