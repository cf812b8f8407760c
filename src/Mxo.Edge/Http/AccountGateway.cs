using Akka.Actor;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Accounts;
using Mxo.Actors.Accounts;

namespace Mxo.Edge.Http;

/// <summary>Asks the account shard region (or its proxy) with a deadline. A missed deadline throws
/// <see cref="AccountsUnavailableException"/> (503 <c>unavailable</c>).</summary>
public sealed class AccountGateway(IRequiredActor<AccountRegion> region, EdgeOptions edge, TimeProvider clock)
{
    /// <summary>The deadline for one account answer: <c>Mxo:Edge:RequestTimeout</c>.</summary>
    public TimeSpan Timeout { get; } = edge.RequestTimeout;

    /// <summary>When an ask started now gives up (Unix ms): carried by commands whose work must not outlive the request.</summary>
    public long DeadlineUnixMs() => (clock.GetUtcNow() + Timeout).ToUnixTimeMilliseconds();

    public async Task<object> AskAsync(IAccountCommand command)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            var accounts = await region.GetAsync(deadline.Token);
            return await accounts.Ask<object>(command, Timeout, deadline.Token);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            throw new AccountsUnavailableException(e);
        }
    }
}

/// <summary>The accounts did not answer in time.</summary>
public sealed class AccountsUnavailableException(Exception inner)
    : Exception("the account service did not answer in time", inner);
