using System.Diagnostics;
using System.Net.Http;
using Microsoft.Data.Sqlite;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>The node as a real child process, killed with SIGKILL: nothing acknowledged may be lost.</summary>
public sealed class CrashRecoveryTests
{
    private sealed class NodeProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Queue<string> _lastLines = new();

        public NodeProcess(TempData data, int httpPort, int remotingPort)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "mxo-node.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = data.Directory,
            };
            foreach (var arg in (string[])[dll, "--dev", "--Mxo:Operator:Url=", .. data.SqliteArgs, "--port", remotingPort.ToString(),
                         "--edge-url", $"http://127.0.0.1:{httpPort}", "--checkpoint-interval", "00:00:01"])
                info.ArgumentList.Add(arg);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => Remember(e.Data);
            _process.ErrorDataReceived += (_, e) => Remember(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Http = new Uri($"http://127.0.0.1:{httpPort}");
        }

        public Uri Http { get; }
        public Uri Ws => new($"ws://{Http.Authority}/ws");

        private void Remember(string? line)
        {
            if (line is null) return;
            lock (_lastLines)
            {
                _lastLines.Enqueue(line);
                if (_lastLines.Count > 40) _lastLines.Dequeue();
            }
        }

        public string Output()
        {
            lock (_lastLines) return string.Join('\n', _lastLines);
        }

        public async Task WaitReadyAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 * TestClient.TimeFactor);
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) throw new InvalidOperationException("node exited during start-up:\n" + Output());
                try
                {
                    if ((await http.GetAsync(new Uri(Http, "/health/ready"))).IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(200);
            }
            throw new TimeoutException("node not ready:\n" + Output());
        }

        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks run
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) await KillAsync();
            _process.Dispose();
        }
    }

    private static long CountEvents(TempData data, string persistenceId, string manifest)
    {
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = $id AND manifest = $manifest";
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$manifest", manifest);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task After_kill_9_every_acknowledged_action_is_there_and_the_player_is_at_most_one_checkpoint_behind()
    {
        using var data = new TempData();
        var httpPort = FreePorts.Tcp();
        var remotingPort = FreePorts.Tcp();
        var name = "crash" + Guid.NewGuid().ToString("N")[..6];
        (double, double, double) checkpointed = (1506, 0, 2), latest = (1509, 0, 2);

        await using (var node = new NodeProcess(data, httpPort, remotingPort))
        {
            await node.WaitReadyAsync();
            await using var client = await TestClient.ConnectAsync(node.Ws);
            await client.HelloAsync(name);
            await client.EnterAsync("downtown");
            var sayId = await client.SendAsync("say", """{"text":"acknowledged before the crash"}""");
            await client.ExpectTypeAsync("ack", sayId);
            await client.MoveAsync(checkpointed.Item1, checkpointed.Item2, checkpointed.Item3);

            // The explicit signal that a checkpoint happened: its row in the journal (1 s interval).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20 * TestClient.TimeFactor);
            while (CountEvents(data, "player-" + name, "pe.checkpoint") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no position checkpoint within 20 s:\n" + node.Output());
                await Task.Delay(100);
            }

            // A later move that no checkpoint has covered yet; then the crash.
            await client.MoveAsync(latest.Item1, latest.Item2, latest.Item3);
            var ping = await client.SendAsync("ping");
            await client.ExpectTypeAsync("pong", ping);
            await node.KillAsync();
        }

        await using (var node = new NodeProcess(data, httpPort, remotingPort))
        {
            await node.WaitReadyAsync();
            await using var client = await TestClient.ConnectAsync(node.Ws);
            var player = Frames.Data(await client.HelloAsync(name)).GetProperty("player");
            Assert.Equal("downtown", player.GetProperty("district").GetString());
            var position = Frames.Position(player.GetProperty("position"));
            Assert.True(position == checkpointed || position == latest, $"position {position} is older than the last checkpoint");
        }

        Assert.Equal(1, CountEvents(data, "district-downtown", "de.chat"));
        Assert.Equal(1, CountEvents(data, "player-" + name, "pe.entered"));
    }
}
