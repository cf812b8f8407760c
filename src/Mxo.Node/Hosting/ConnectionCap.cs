using System.Globalization;

namespace Mxo.Node.Hosting;

/// <summary>
/// How many connections Kestrel holds at once (<see cref="NodeOptions.MaxConnections"/>). Without a cap, a reconnect storm
/// (players coming back while the node still holds their dropped sockets, and clients retrying) runs the process out of
/// file descriptors; on Linux the runtime then fails to start a thread with <see cref="OutOfMemoryException"/>, and when
/// that thread is one the thread pool wanted, the process ends ("Out of memory.", docs/benchmarks.md, "The storm's
/// crash"). With the cap Kestrel closes a connection over it as soon as it accepts it, and the clients retry.
/// </summary>
public static class ConnectionCap
{
    /// <summary>
    /// File descriptors kept out of the cap: a quarter of the limit, at least <see cref="MinReserve"/>. Besides the node's
    /// own files (journal connections, remoting, data files, the runtime's) it covers the sockets Kestrel no longer counts
    /// but has not closed yet: in the first storm run with a reserve of 1,024 the node still ran out (docs/benchmarks.md,
    /// "The storm's crash"), since a connection leaves Kestrel's count before its descriptor is released, and a storm
    /// keeps thousands of them in that state.
    /// </summary>
    public static long Reserve(long openFileLimit) => Math.Max(MinReserve, openFileLimit / 4);

    public const long MinReserve = 1024;

    /// <summary>The least a derived cap may be: a node with a tiny open-file limit still takes a few players.</summary>
    public const long Floor = 64;

    /// <summary>The configured cap; else the open-file limit less its <see cref="Reserve"/>; else none (no limit known).</summary>
    public static long? Of(int? configured, long? openFileLimit) =>
        configured is { } set ? set : openFileLimit is { } limit ? Math.Max(Floor, limit - Reserve(limit)) : null;

    /// <summary>
    /// A cap split between player sockets (seven eighths) and every other connection: HTTP requests and sockets still in
    /// their upgrade (one eighth, at least one). Kestrel counts the two apart: an upgraded connection leaves the first
    /// count for the second.
    /// </summary>
    public static (long Sockets, long Other) Split(long cap)
    {
        var other = Math.Max(1, cap / 8);
        return (Math.Max(1, cap - other), other);
    }

    /// <summary>This process's soft open-file limit from <c>/proc/self/limits</c>; null where there is no such file.</summary>
    public static long? ReadOpenFileLimit()
    {
        try
        {
            return ParseOpenFileLimit(File.ReadAllText("/proc/self/limits"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The soft limit of the "Max open files" line of a <c>/proc/PID/limits</c> text (columns: name, soft, hard, unit);
    /// null when the line is missing or says "unlimited".
    /// </summary>
    public static long? ParseOpenFileLimit(string limits)
    {
        const string name = "Max open files";
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var soft = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        return null;
    }
}
