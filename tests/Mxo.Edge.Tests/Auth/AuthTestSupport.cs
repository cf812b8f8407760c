using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Mxo.Edge.Auth;

namespace Mxo.Edge.Tests.Auth;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>An ILogger that keeps every formatted line.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception);
        // Keep the structured values too, so a key hidden in a parameter would still be caught.
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
            text += " | " + string.Join(" ", values.Select(kv => $"{kv.Key}={kv.Value}"));
        lock (_lines) _lines.Add((logLevel, text));
    }
}

internal static class AuthTest
{
    /// <summary>2030-01-01T00:00:00Z: whole seconds, so exp/nbf arithmetic in tests is exact.</summary>
    public static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] NewKey(int bytes = 32) => RandomNumberGenerator.GetBytes(bytes);

    public static JwtOptions Options(byte[] key) => new() { SigningKey = Convert.ToBase64String(key) };

    public static string B64Url(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string FromB64Url(string segment) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segment));

    public static long Unix(DateTimeOffset t) => t.ToUnixTimeSeconds();
}
