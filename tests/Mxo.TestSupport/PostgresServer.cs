using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Mxo.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temp folder, listening on a free
/// loopback port, trust authentication, durability switched off (fsync, synchronous_commit, full_page_writes).
/// Dispose it to stop the server and delete the folder; a process-exit hook stops it as a safety net.
/// Needs the PostgreSQL server binaries (initdb, pg_ctl, postgres). When running as root, the cluster is run as
/// the <c>postgres</c> OS user via <c>runuser</c>, because initdb refuses to run as root.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectDeadline = TimeSpan.FromSeconds(30);

    private readonly string _binDir;
    private readonly string _rootDir;
    private readonly string _dataDir;
    private readonly string _socketDir;
    private readonly bool _runAsPostgresUser;
    private readonly List<string> _handedOut = [];
    private readonly Lock _gate = new();
    private EventHandler? _processExitHook;
    private int _disposed;

    private PostgresServer(string binDir, string rootDir, bool runAsPostgresUser)
    {
        _binDir = binDir;
        _rootDir = rootDir;
        _dataDir = Path.Combine(rootDir, "data");
        _socketDir = Path.Combine(rootDir, "sock");
        _runAsPostgresUser = runAsPostgresUser;
        LogFile = Path.Combine(rootDir, "postgres.log");
        ConnectionString = "";
    }

    /// <summary>Loopback TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string for database <c>postgres</c>, user <c>postgres</c>, no password.</summary>
    public string ConnectionString { get; private set; }

    /// <summary>The server's log file (useful when a test fails).</summary>
    public string LogFile { get; private set; }

    /// <summary>Folder holding the cluster, socket and log; deleted on dispose.</summary>
    public string RootDirectory => _rootDir;

    /// <summary>Creates a cluster in a fresh temp folder, starts it and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">Binaries missing, or initdb / start failed (message carries output and log tail).</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var binDir = FindBinDirectory();
        var asPostgres = IsEffectiveRoot();
        // As root the server runs as `postgres`, which must be able to traverse every parent: use /tmp, not $TMPDIR.
        var parent = asPostgres ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(parent, "mxo-pg-" + Guid.NewGuid().ToString("N"));
        var server = new PostgresServer(binDir, root, asPostgres);
        try
        {
            await server.InitAsync(ct).ConfigureAwait(false);
            await server.StartPostmasterAsync(ct).ConfigureAwait(false);
            await server.WaitUntilAcceptingAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a new, empty database and returns a connection string for it.</summary>
    /// <param name="name">Lower-case identifier: letters, digits, underscore; must not start with a digit.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' must match {DatabaseName()}.", nameof(name));
        }

        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            await conn.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var cs = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        lock (_gate)
        {
            _handedOut.Add(cs);
        }

        return cs;
    }

    /// <summary>
    /// Stops the server for a test of a database outage (fast shutdown: open connections are cut, active transactions
    /// rolled back, committed ones kept — an immediate stop would lose the last commits, as this server does not wait for
    /// its log to reach the disk); <see cref="StartAgainAsync"/> brings it back.
    /// </summary>
    public async Task StopServerAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await RunChecked(Path.Combine(_binDir, "pg_ctl"), ["stop", "-D", _dataDir, "-m", "fast", "-w", "-t", "30"], _runAsPostgresUser,
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Starts the server stopped by <see cref="StopServerAsync"/> again, on the same port, and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await StartPostmasterAsync(ct, Port).ConfigureAwait(false);
        await WaitUntilAcceptingAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server (immediate shutdown) and deletes its folder. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_processExitHook is not null)
        {
            AppDomain.CurrentDomain.ProcessExit -= _processExitHook;
        }

        ClearPools();
        await StopAsync().ConfigureAwait(false);
        DeleteRoot();
    }

    private async Task InitAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_rootDir);
        Directory.CreateDirectory(_socketDir);
        if (_runAsPostgresUser)
        {
            await RunChecked("chown", ["-R", $"{OsUser}:{OsUser}", _rootDir], asPostgres: false, ct).ConfigureAwait(false);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_rootDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await RunChecked(
            Path.Combine(_binDir, "initdb"),
            ["-D", _dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
            _runAsPostgresUser,
            ct).ConfigureAwait(false);
    }

    /// <param name="port">The port to listen on; by default a free one (tried twice, should another process take it first).</param>
    private async Task StartPostmasterAsync(CancellationToken ct, int? port = null)
    {
        // From here on a postmaster may be running: make sure it dies with this process even if nobody disposes us.
        if (_processExitHook is null)
        {
            _processExitHook = (_, _) =>
            {
                StopAsync().GetAwaiter().GetResult();
                DeleteRoot();
            };
            AppDomain.CurrentDomain.ProcessExit += _processExitHook;
        }

        for (var attempt = 1; ; attempt++)
        {
            Port = port ?? FreePorts.Tcp();
            LogFile = Path.Combine(_rootDir, $"postgres-{Port}.log");
            var options = string.Join(' ',
                $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
                $"-k {_socketDir}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200");
            var result = await RunTool(
                Path.Combine(_binDir, "pg_ctl"),
                ["start", "-D", _dataDir, "-w", "-t", "60", "-l", LogFile, "-o", options],
                _runAsPostgresUser,
                ToolTimeout,
                ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                break;
            }

            var log = LogTail(LogFile);
            await StopAsync().ConfigureAwait(false); // in case -t expired with the postmaster still coming up
            var portTaken = log.Contains("Address already in use", StringComparison.Ordinal)
                || log.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal);
            if (portTaken && attempt == 1 && port is null)
            {
                continue; // somebody grabbed the port between FreePorts.Tcp() and bind: one more try
            }

            throw new InvalidOperationException(
                $"PostgreSQL failed to start on port {Port} (pg_ctl exit {result.ExitCode}).\n{result.Output}\n--- log tail ({LogFile}) ---\n{log}");
        }

        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
        }.ConnectionString;
        lock (_gate)
        {
            _handedOut.Add(ConnectionString);
        }
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        // pg_ctl -w already waited for "ready to accept connections"; this normally succeeds at the first try.
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(probe);
                await conn.OpenAsync(ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand("SELECT 1", conn);
                await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException
                                      && deadline.Elapsed < ConnectDeadline)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL on port {Port} did not accept connections within {ConnectDeadline.TotalSeconds:0}s.\n--- log tail ---\n{LogTail(LogFile)}",
                    e);
            }
        }
    }

    private async Task StopAsync()
    {
        if (!File.Exists(Path.Combine(_dataDir, "postmaster.pid")))
        {
            return; // never started, or already stopped
        }

        ProcessResult? result = null;
        try
        {
            result = await RunTool(
                Path.Combine(_binDir, "pg_ctl"),
                ["stop", "-D", _dataDir, "-m", "immediate", "-w", "-t", "30"],
                _runAsPostgresUser,
                StopTimeout,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // fall through to the hard kill below
        }

        if (result is { ExitCode: 0 })
        {
            return;
        }

        KillPostmasterFromPidFile();
    }

    private void KillPostmasterFromPidFile()
    {
        try
        {
            var pidFile = Path.Combine(_dataDir, "postmaster.pid");
            if (!File.Exists(pidFile))
            {
                return;
            }

            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(firstLine, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                using var p = Process.GetProcessById(pid);
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
        }
        catch (Exception)
        {
            // best effort: process already gone or not ours
        }
    }

    private void ClearPools()
    {
        string[] all;
        lock (_gate)
        {
            all = [.. _handedOut];
        }

        foreach (var cs in all)
        {
            try
            {
                using var conn = new NpgsqlConnection(cs);
                NpgsqlConnection.ClearPool(conn);
            }
            catch (Exception)
            {
                // best effort
            }
        }
    }

    private void DeleteRoot()
    {
        for (var i = 0; i < 3; i++)
        {
            try
            {
                if (Directory.Exists(_rootDir))
                {
                    Directory.Delete(_rootDir, recursive: true);
                }

                return;
            }
            catch (IOException) when (i < 2)
            {
                // a dying backend may still be removing files; try again
            }
            catch (Exception)
            {
                return; // leave it; it is in a temp folder
            }
        }
    }

    private static string FindBinDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(dir, "initdb");
            if (!File.Exists(initdb))
            {
                continue;
            }

            // PATH often holds symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb).
            var real = File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb;
            foreach (var candidate in new[] { Path.GetDirectoryName(real), dir })
            {
                if (candidate is not null && HasServerBinaries(candidate))
                {
                    return candidate;
                }
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var best = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(x => x.Version is not null && HasServerBinaries(x.Dir))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (best.Dir is not null)
            {
                return best.Dir;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries not found; install the postgresql package " +
            "(looked for initdb on PATH and under /usr/lib/postgresql/*/bin).");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var v) ? v : null;

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "initdb"))
        && File.Exists(Path.Combine(dir, "pg_ctl"))
        && File.Exists(Path.Combine(dir, "postgres"));

    private static bool IsEffectiveRoot()
    {
        // /proc/self/status "Uid:" line: real, effective, saved, fs.
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 2 && parts[2] == "0";
                }
            }
        }
        catch (IOException)
        {
            // not Linux / no procfs: fall back to the user name
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Environment.UserName == "root";
    }

    private static string LogTail(string file, int lines = 40)
    {
        try
        {
            if (!File.Exists(file))
            {
                return "(no log file)";
            }

            var all = File.ReadAllLines(file);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (Exception e)
        {
            return $"(could not read log: {e.Message})";
        }
    }

    private static async Task RunChecked(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var result = await RunTool(file, args, asPostgres, ToolTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Path.GetFileName(file)} {string.Join(' ', args)}' failed with exit code {result.ExitCode}:\n{result.Output}");
        }
    }

    private static async Task<ProcessResult> RunTool(
        string file, IReadOnlyList<string> args, bool asPostgres, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = "/", // the postgres user may not be able to read the caller's working directory
        };
        if (asPostgres)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", OsUser, "--", file])
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = file;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Stable, English log messages (port-in-use detection reads them).
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";

        using var process = Process.Start(psi)
            ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{Path.GetFileName(file)} {string.Join(' ', args)}' did not finish within {timeout}.");
        }

        var output = new StringBuilder();
        output.Append(await stdout.ConfigureAwait(false));
        output.Append(await stderr.ConfigureAwait(false));
        return new ProcessResult(process.ExitCode, output.ToString());
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();

    private sealed record ProcessResult(int ExitCode, string Output);
}
