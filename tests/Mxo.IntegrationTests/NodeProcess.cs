using System.Diagnostics;
using System.Net.Http;

namespace Mxo.IntegrationTests;

/// <summary>A node as a real child process (the built mxo-node.dll), so a test can kill it with SIGKILL.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    /// <summary>Everything the node printed (a test's node prints a few thousand lines at most).</summary>
    private readonly List<string> _lines = [];

    private NodeProcess(Process process, int httpPort, int remotingPort)
    {
        _process = process;
        Http = new Uri($"http://127.0.0.1:{httpPort}");
        Address = $"akka.tcp://mxo@127.0.0.1:{remotingPort}";
    }

    /// <summary>Starts <c>mxo-node</c> in <paramref name="workingDirectory"/> with <paramref name="args"/>, the two ports,
    /// and the operator listener off (its default port would be shared by every node on this machine).</summary>
    public static NodeProcess Start(string workingDirectory, int httpPort, int remotingPort, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "mxo-node.dll"), "--Mxo:Operator:Url=", .. args,
                     "--port", remotingPort.ToString(), "--edge-url", $"http://127.0.0.1:{httpPort}"])
            info.ArgumentList.Add(arg);
        var node = new NodeProcess(Process.Start(info)!, httpPort, remotingPort);
        node._process.OutputDataReceived += (_, e) => node.Remember(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Remember(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    public Uri Http { get; }
    public Uri Ws => new($"ws://{Http.Authority}/ws");
    public string Address { get; }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    /// <summary>The last lines the node printed, for failure messages.</summary>
    public string Output()
    {
        lock (_lines) return string.Join('\n', _lines.TakeLast(40));
    }

    /// <summary>Whether the node printed a line containing <paramref name="text"/>, ever.</summary>
    public bool Printed(string text)
    {
        lock (_lines) return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends a signal by name (<c>STOP</c>, <c>CONT</c>) with kill(1): SIGSTOP freezes the process, every thread.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} exited with {kill.ExitCode}");
    }

    /// <summary>Waits until the process exits by itself; false at the deadline.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
