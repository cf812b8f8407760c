using System.Net.Sockets;
using Mxo.Node.Fencing;
using Npgsql;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>
/// Which journal failures may be refused as <c>unavailable</c> (src/Mxo.Node/Fencing/JournalOutage.cs): only those that say
/// the write never left the node. The exceptions are shaped as Npgsql and Akka.Persistence.Sql throw them.
/// </summary>
public sealed class JournalOutageTests
{
    private static NpgsqlException ConnectRefused() =>
        new("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    private static NpgsqlException BrokeMidCall() => new("Exception while reading from stream", new EndOfStreamException());

    /// <summary>Akka.Persistence.Sql's wrapper when the rollback after a failed write fails too.</summary>
    private static AggregateException RollbackFailed(Exception write) =>
        new("Exception thrown when rolling back database transaction", new ObjectDisposedException("NpgsqlTransaction"), write);

    [Fact]
    public void A_connection_that_could_not_be_opened_sent_nothing()
    {
        Assert.True(JournalOutage.NothingWasSent(ConnectRefused()));
        Assert.True(JournalOutage.NothingWasSent(new AggregateException(ConnectRefused())));
        Assert.True(JournalOutage.NothingWasSent(new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size'",
            new TimeoutException())));
        Assert.False(JournalOutage.ConnectionBroke(ConnectRefused()));
    }

    [Fact]
    public void A_connection_that_broke_during_the_write_may_have_sent_it()
    {
        Assert.False(JournalOutage.NothingWasSent(BrokeMidCall()));
        Assert.True(JournalOutage.ConnectionBroke(BrokeMidCall()));
        // Even when the rollback's failure and a refused reconnect ride along with it.
        Assert.False(JournalOutage.NothingWasSent(RollbackFailed(BrokeMidCall())));
        Assert.False(JournalOutage.NothingWasSent(new AggregateException(ConnectRefused(), BrokeMidCall())));
        Assert.True(JournalOutage.ConnectionBroke(RollbackFailed(BrokeMidCall())));
    }

    [Fact]
    public void Other_failures_are_neither()
    {
        var constraint = new InvalidOperationException("duplicate key value violates unique constraint");
        Assert.False(JournalOutage.NothingWasSent(constraint));
        Assert.False(JournalOutage.ConnectionBroke(constraint));
        Assert.False(JournalOutage.NothingWasSent(new TimeoutException("call timed out")));
    }
}
