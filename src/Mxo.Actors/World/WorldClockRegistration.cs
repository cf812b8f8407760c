using Akka.Hosting;
using Mxo.Actors.Hosting;

namespace Mxo.Actors.World;

/// <summary>Registry key of the world clock singleton's proxy (on every node): <c>registry.Get&lt;WorldClockKey&gt;()</c>.</summary>
public sealed class WorldClockKey;

public static class WorldClockRegistration
{
    /// <summary>Singleton manager at <c>/user/world-clock</c>, the clock's supervisor under it, proxy at <c>/user/world-clock-proxy</c>.</summary>
    public const string SingletonName = "world-clock";

    /// <summary>
    /// The <see cref="WorldClock"/> cluster singleton on the oldest node with the world role, with a proxy registered as
    /// <see cref="WorldClockKey"/>; on nodes without the world role only the proxy.
    /// </summary>
    /// <param name="time">Real time; <see cref="TimeProvider.System"/> unless a test injects one.</param>
    public static AkkaConfigurationBuilder AddWorldClock(this AkkaConfigurationBuilder builder, WorldClockSettings settings,
        bool hostsWorld, TimeProvider? time = null)
    {
        if (settings.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join("; ", problems));
        return builder.AddWorldSingleton<WorldClockKey>(SingletonName, hostsWorld,
            () => WorldClock.SupervisedPropsFor(settings, time ?? TimeProvider.System));
    }
}
