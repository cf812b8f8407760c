using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Mxo.Edge.Auth;

/// <summary>Decides, at start-up, which key signs access tokens: the configured one, or in <c>--dev</c> a random one.</summary>
public static class JwtKeyPolicy
{
    /// <summary>Returns <paramref name="options"/> with a usable <see cref="JwtOptions.SigningKey"/>.</summary>
    /// <remarks>Without <paramref name="devMode"/> a missing, non-base64 or short (&lt; 256-bit) key stops the node.
    /// With it, such a key is replaced by a random 256-bit one and a warning is logged (the key itself never is).</remarks>
    /// <exception cref="InvalidOperationException">The key is unusable and <paramref name="devMode"/> is false,
    /// or another setting is out of range (<see cref="JwtOptions.EnsureValid"/>).</exception>
    public static JwtOptions Resolve(JwtOptions options, bool devMode, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.EnsureValid();

        if (TryDecodeKey(options.SigningKey, out _, out var problem))
            return options;

        if (!devMode)
            throw new InvalidOperationException(
                $"{JwtOptions.SectionName}:SigningKey {problem}. Set it to a base64-encoded random key of at least " +
                $"{JwtOptions.MinKeyBytes} bytes ({JwtOptions.MinKeyBytes * 8} bits), e.g. the output of " +
                "`openssl rand -base64 32`, or start the node with --dev to use a throwaway random key.");

        var generated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(JwtOptions.MinKeyBytes));
        logger.LogWarning(
            "--dev: {Setting} {Problem}; generated a random {Bits}-bit signing key for this process only. " +
            "Tokens it signs are rejected by other nodes and after a restart. Never run this way in production.",
            JwtOptions.SectionName + ":SigningKey", problem, JwtOptions.MinKeyBytes * 8);
        return options with { SigningKey = generated };
    }

    /// <summary>Decodes a configured key; on failure <paramref name="problem"/> says why (without the key).</summary>
    public static bool TryDecodeKey(string? signingKey, out byte[] key, out string problem)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(signingKey))
        {
            problem = "is missing";
            return false;
        }

        var trimmed = signingKey.Trim();
        var buffer = new byte[trimmed.Length]; // base64 always decodes to fewer bytes than characters
        if (!Convert.TryFromBase64String(trimmed, buffer, out var written))
        {
            problem = "is not valid base64";
            return false;
        }

        if (written < JwtOptions.MinKeyBytes)
        {
            CryptographicOperations.ZeroMemory(buffer);
            problem = $"is too short ({written * 8} bits; at least {JwtOptions.MinKeyBytes * 8} are required)";
            return false;
        }

        key = buffer.AsSpan(0, written).ToArray();
        CryptographicOperations.ZeroMemory(buffer);
        problem = "";
        return true;
    }
}
