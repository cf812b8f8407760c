using System.Net.Sockets;
using Mxo.Node.Fencing;
using Npgsql;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>
/// Which journal failures may be refused as <c>unavailable</c> (src/Mxo.Node/Fencing/JournalOutage.cs): only those that
/// prove nothing of the write was stored. The exceptions are shaped as Npgsql and Akka.Persistence.Sql throw them.
/// </summary>
public sealed class JournalOutageTests
{
    private static NpgsqlException ConnectRefused() =>
        new("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    private static NpgsqlException BrokeMidCall() => new("Exception while reading from stream", new EndOfStreamException());

    /// <summary>Akka.Persistence.Sql's wrapper when the rollback after a failed write fails too.</summary>
    private static AggregateException RollbackFailed(Exception write) =>
        new("Exception thrown when rolling back database transaction", new ObjectDisposedException("NpgsqlTransaction", write), write);

    [Fact]
    public void A_connection_that_could_not_be_opened_sent_nothing()
    {
        Assert.True(JournalOutage.NothingWasStored(ConnectRefused()));
        Assert.True(JournalOutage.NothingWasStored(new AggregateException(ConnectRefused())));
        Assert.True(JournalOutage.NothingWasStored(new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size'",
            new TimeoutException())));
        Assert.False(JournalOutage.ConnectionBroke(ConnectRefused()));
    }

    [Fact]
    public void A_connection_that_broke_during_the_write_may_have_sent_it()
    {
        Assert.False(JournalOutage.NothingWasStored(BrokeMidCall()));
        Assert.True(JournalOutage.ConnectionBroke(BrokeMidCall()));
        // Even when the rollback's failure and a refused reconnect ride along with it.
        Assert.False(JournalOutage.NothingWasStored(RollbackFailed(BrokeMidCall())));
        Assert.False(JournalOutage.NothingWasStored(new AggregateException(ConnectRefused(), BrokeMidCall())));
        Assert.True(JournalOutage.ConnectionBroke(RollbackFailed(BrokeMidCall())));
    }

    [Fact]
    public void A_session_the_server_ended_by_an_administrators_command_stored_nothing()
    {
        // A fast shutdown answers the statement in progress with 57P01; the rollback then fails on the closed transaction.
        var shutdown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL",
            PostgresErrorCodes.AdminShutdown);
        var failure = RollbackFailed(shutdown);
        Assert.True(JournalOutage.NothingWasStored(failure));
        Assert.True(JournalOutage.ConnectionBroke(failure)); // the pool's other connections are dead too
        // A socket cut without a word alongside it proves nothing.
        Assert.False(JournalOutage.NothingWasStored(new AggregateException(shutdown, BrokeMidCall())));
    }

    [Fact]
    public void Other_failures_are_neither()
    {
        var constraint = new InvalidOperationException("duplicate key value violates unique constraint");
        Assert.False(JournalOutage.NothingWasStored(constraint));
        Assert.False(JournalOutage.ConnectionBroke(constraint));
        Assert.False(JournalOutage.NothingWasStored(new TimeoutException("call timed out")));
    }
}
