namespace Mxo.Bench;

/// <summary>
/// Entry point: the first argument picks the benchmark. Load commands (like <c>persistence</c>) run here directly;
/// BenchmarkDotNet suites (ticks, logins, ...) can be added as further cases.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 0 ? args[1..] : [];
        return command switch
        {
            "persistence" => await PersistenceBenchmark.RunAsync(rest).ConfigureAwait(false),
            _ => Usage(command),
        };
    }

    internal static int Usage(string? problem = null)
    {
        if (!string.IsNullOrEmpty(problem))
        {
            Console.Error.WriteLine($"Unknown or invalid arguments: {problem}");
        }

        Console.Error.WriteLine(
            """
            Usage: dotnet run -c Release --project bench/Mxo.Bench -- <command> [options]

            Commands:
              persistence [--entities M] [--events K]
                  Akka.Persistence.Sql journal on a throwaway PostgreSQL vs raw Npgsql batched inserts.
                  M persistent actors (default 100) each persist K events (default 100) of 64 bytes.
            """);
        return 2;
    }
}
