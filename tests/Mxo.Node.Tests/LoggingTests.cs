using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mxo.Node.Hosting;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>Akka's log events reach Microsoft.Extensions.Logging once, as the message alone.</summary>
public sealed class LoggingTests
{
    private static TimeSpan Timeout => TestTime.Scaled(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Akka_messages_carry_no_akka_prefix()
    {
        var data = Directory.CreateTempSubdirectory("mxo-log-");
        var captured = new CapturingProvider();
        var app = MxoNode.Build(
            ["--roles", "world", "--port", "0", "--edge-url", $"http://127.0.0.1:{FreePorts.Tcp()}",
             "--connection-string", $"Data Source={Path.Combine(data.FullName, "mxo.db")}"],
            builder => builder.Logging.AddProvider(captured));
        try
        {
            await app.StartAsync();
            // The cluster's own start-up lines come through Akka's event stream: the signal that Akka logs arrived.
            await captured.Seen.Task.WaitAsync(Timeout);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            data.Delete(recursive: true);
        }

        var akka = captured.Entries.Where(e => e.Category == "Akka.Actor.ActorSystem").Select(e => e.Message).ToList();
        Assert.Contains(akka, m => m.StartsWith("Cluster Node [", StringComparison.Ordinal));
        Assert.All(akka, m => Assert.DoesNotMatch(@"\[(DEBUG|INFO|WARNING|ERROR)\]\[", m));
    }

    [Fact]
    public async Task Log_format_json_writes_one_json_object_per_line()
    {
        var data = Directory.CreateTempSubdirectory("mxo-log-");
        using var process = Process.Start(NodeProcess.StartInfo(data.FullName, "--roles", "world", "--port", "0",
            "--edge-url", $"http://127.0.0.1:{FreePorts.Tcp()}", "--log-format", "json"))!;
        var lines = new List<string>();
        try
        {
            var up = false;
            var akka = false;
            while (!(up && akka))
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Timeout);
                Assert.NotNull(line); // the node stopped before it was up
                lines.Add(line);
                using var entry = JsonDocument.Parse(line);
                var category = entry.RootElement.GetProperty("Category").GetString();
                var message = entry.RootElement.GetProperty("Message").GetString()!;
                up |= category == "Mxo.Node" && message.StartsWith("MXO node up", StringComparison.Ordinal);
                if (category == "Akka.Actor.ActorSystem")
                {
                    akka = true;
                    Assert.DoesNotContain("][", message);
                    Assert.Equal(JsonValueKind.String, entry.RootElement.GetProperty("State").GetProperty("LogSource").ValueKind);
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            data.Delete(recursive: true);
        }
        Assert.All(lines, line => Assert.StartsWith("{", line));
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public readonly ConcurrentQueue<(string Category, string Message)> Entries = new();
        public readonly TaskCompletionSource Seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                provider.Entries.Enqueue((category, message));
                if (category == "Akka.Actor.ActorSystem" && message.Contains("Started up successfully", StringComparison.Ordinal))
                    provider.Seen.TrySetResult();
            }
        }
    }
}
