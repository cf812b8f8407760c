using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mxo.Node.Operator;

/// <summary>
/// <c>mxo-node pbm [host:port] &lt;palette&gt; &lt;command&gt; [args] [--json]</c>: runs one operator command on a node and
/// exits 0 (done), 1 (the command failed, or the key was refused), 2 (usage), 3 (the node could not be reached). Without
/// a command it reads commands line by line at a <c>[host:port] pbm&gt;</c> prompt until <c>exit</c>, with a history
/// (<c>history</c>, <c>!!</c>, <c>!n</c>, as in a shell). The key, when the
/// node wants one, comes from <c>MXO__Operator__Key</c>.
/// </summary>
public static class PbmClient
{
    public const string DefaultTarget = "127.0.0.1:9110";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var json = args.Contains("--json");
        var rest = args.Where(a => a != "--json").ToList();
        var target = DefaultTarget;
        if (rest.Count > 0 && rest[0].Contains(':') && !rest[0].StartsWith('-'))
        {
            target = rest[0];
            rest.RemoveAt(0);
        }
        if (!Uri.TryCreate("http://" + target + "/", UriKind.Absolute, out var baseUri) || baseUri.AbsolutePath != "/")
        {
            await error.WriteLineAsync($"pbm: '{target}' is not host:port");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = OperatorHost.CommandTimeout + TimeSpan.FromSeconds(5) };
        if (Environment.GetEnvironmentVariable("MXO__Operator__Key") is { Length: > 0 } key)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        if (rest.Count > 0) return await RunOneAsync(http, rest, json, output, error, ct);

        var last = 0;
        var history = new List<string>();
        while (!ct.IsCancellationRequested)
        {
            await output.WriteAsync($"[{target}] pbm> ");
            var line = (await input.ReadLineAsync(ct))?.Trim();
            if (line is null || line == "exit") return last;
            if (line.Length == 0) continue;
            if (line == "history")
            {
                for (var i = 0; i < history.Count; i++) await output.WriteLineAsync($"{i + 1,5}  {history[i]}");
                continue;
            }
            if (line.StartsWith('!'))
            {
                if (Recall(history, line) is not { } recalled)
                {
                    await error.WriteLineAsync($"pbm: {line}: no such command in the history (see: history)");
                    last = 2;
                    continue;
                }
                line = recalled;
                await output.WriteLineAsync(line);
            }
            history.Add(line);
            if (history.Count > HistoryLimit) history.RemoveAt(0);
            last = await RunOneAsync(http, [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries)], json, output, error, ct);
        }
        return last;
    }

    /// <summary>The prompt keeps this many commands (oldest dropped first).</summary>
    public const int HistoryLimit = 500;

    /// <summary><c>!!</c> is the last command, <c>!n</c> the n-th of <c>history</c>'s list.</summary>
    private static string? Recall(List<string> history, string line) => line switch
    {
        "!!" => history.LastOrDefault(),
        _ when int.TryParse(line.AsSpan(1), out var n) && n >= 1 && n <= history.Count => history[n - 1],
        _ => null,
    };

    private static async Task<int> RunOneAsync(HttpClient http, List<string> words, bool json, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        try
        {
            if (words is ["help"])
            {
                var help = await http.GetAsync("pbm/help", ct);
                if (!help.IsSuccessStatusCode) return await FailAsync(help, error, ct);
                var body = await help.Content.ReadFromJsonAsync(OperatorJson.Default.HelpAnswer, ct);
                foreach (var line in body?.Commands ?? []) await output.WriteLineAsync(line);
                return 0;
            }
            if (words.Count < 2)
            {
                await error.WriteLineAsync("usage: mxo-node pbm [host:port] <palette> <command> [args] [--json]   (or: help)");
                return 2;
            }
            var request = new CommandRequest(words[0], words[1], [.. words.Skip(2)]);
            var response = await http.PostAsJsonAsync("pbm", request, OperatorJson.Default.CommandRequest, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var answer = TryParse(text);
            if (json) await output.WriteLineAsync(text);
            else if (answer is not null)
                foreach (var line in answer.Lines) await (answer.Ok ? output : error).WriteLineAsync(line);
            else await error.WriteLineAsync($"pbm: {(int)response.StatusCode} {text}");
            return response.IsSuccessStatusCode ? 0 : response.StatusCode == System.Net.HttpStatusCode.BadRequest ? 2 : 1;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"pbm: the node at {http.BaseAddress} could not be reached: {e.Message}");
            return 3;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            await error.WriteLineAsync($"pbm: the node at {http.BaseAddress} did not answer in time");
            return 3;
        }
    }

    private static async Task<int> FailAsync(HttpResponseMessage response, TextWriter error, CancellationToken ct)
    {
        var answer = TryParse(await response.Content.ReadAsStringAsync(ct));
        await error.WriteLineAsync(answer?.Lines.FirstOrDefault() ?? $"pbm: {(int)response.StatusCode}");
        return 1;
    }

    private static CommandAnswer? TryParse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, OperatorJson.Default.CommandAnswer);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
