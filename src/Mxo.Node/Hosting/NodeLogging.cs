using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging.Console;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Mxo.Node.Hosting;

/// <summary>The node's console log: <c>Mxo:LogFormat</c> picks Microsoft.Extensions.Logging's text or JSON formatter.</summary>
public static class NodeLogging
{
    public static void Configure(ILoggingBuilder logging, string format)
    {
        if (!NodeOptions.LogFormats.Contains(format, StringComparer.Ordinal))
            throw new InvalidOperationException(
                $"Mxo:LogFormat must be one of {string.Join(", ", NodeOptions.LogFormats.Select(f => $"'{f}'"))}, got '{format}'");
        if (format == "json") logging.AddJsonConsole();
        // The console logger writes from one thread through a bounded queue; by default a full queue blocks the thread that
        // logs. In a reconnect storm that blocked dozens of thread-pool threads at once, the pool added threads to make up,
        // and the storm's crash followed (docs/benchmarks.md, "The storm's crash"). Dropping lines when the writer is
        // behind keeps logging from ever stalling the node.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
    }
}

/// <summary>
/// Akka's log events into Microsoft.Extensions.Logging (category <c>Akka.Actor.ActorSystem</c>), the message alone.
/// Akka.Hosting's <see cref="LoggerFactoryLogger"/> writes <c>LogEvent.ToString()</c>, which repeats level, time and
/// thread inside the host's own prefix; here source, actor path, thread and time travel as the log entry's state (the JSON formatter shows them)
/// and the exception goes to the host's logger once, not also into the text.
/// </summary>
public sealed class AkkaLogger : LoggerFactoryLogger
{
    private readonly ILogger _logger;

    public AkkaLogger()
    {
        // LoggerFactoryLogger's constructor has already checked that the setup is there.
        _logger = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory.CreateLogger<ActorSystem>();
    }

    protected override void Log(LogEvent log, ActorPath path)
    {
        var message = MessageOf(log);
        var state = new State(message)
        {
            new("LogSource", log.LogSource),
            new("ActorPath", path.ToString()),
            new("Thread", log.Thread.ManagedThreadId),
            new("Timestamp", log.Timestamp.ToString("o", CultureInfo.InvariantCulture)),
            new("{OriginalFormat}", (log.Message as LogMessage)?.Format ?? message),
        };
        _logger.Log(LevelOf(log.LogLevel()), default, state, log.Cause, (s, _) => s.ToString());
    }

    /// <summary>Structured properties; its text is the message.</summary>
    private sealed class State(string message) : List<KeyValuePair<string, object?>>
    {
        public override string ToString() => message;
    }

    private static string MessageOf(LogEvent log)
    {
        try
        {
            return log.Message?.ToString() ?? "";
        }
        catch (FormatException)
        {
            return log.Message is LogMessage m ? m.Format : log.Message?.GetType().Name ?? "";
        }
    }

    private static MelLogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
        _ => MelLogLevel.Error,
    };
}
