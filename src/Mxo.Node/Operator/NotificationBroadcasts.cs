using System.Collections.Concurrent;
using System.Globalization;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Mxo.Actors.Hosting;
using Mxo.Actors.Notifications;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Notifications;

namespace Mxo.Node.Operator;

/// <summary>What an operator sends: the same notification to one character or to all of them.</summary>
public sealed record NotificationDraft(int Code, string Subject, string Content, long ExpiresMs, bool Persistent);

/// <summary>
/// The <c>world notify-all</c> broadcasts this node runs (docs/operations.md). A broadcast sends a persistent
/// notification to every character, <see cref="NotificationSettings.BroadcastBatch"/> at a time, waiting for each
/// batch's answers before the next, on the thread pool: the node goes on serving meanwhile, and at most one batch of
/// asks is in flight per broadcast. Each character's send has its own command id (broadcast id / character), so a batch
/// retried after a timeout stores nothing twice.
/// </summary>
public sealed class NotificationBroadcasts(NotificationSettings settings, ILogger<NotificationBroadcasts> log)
{
    /// <summary>One broadcast's progress (updated from its task, read by <c>world notify-status</c>).</summary>
    public sealed class Broadcast(string id, string subject, int total)
    {
        public string Id { get; } = id;
        public string Subject { get; } = subject;
        public int Total { get; } = total;
        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
        private int _stored, _failed, _done;

        public int Stored => Volatile.Read(ref _stored);
        public int Failed => Volatile.Read(ref _failed);
        public bool Done => Volatile.Read(ref _done) == 1;

        internal void Count(bool stored)
        {
            if (stored) Interlocked.Increment(ref _stored);
            else Interlocked.Increment(ref _failed);
        }

        internal void Finish() => Volatile.Write(ref _done, 1);

        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"{Id} | {Subject} | {Stored + Failed}/{Total} | stored: {Stored} | failed: {Failed} | {(Done ? "done" : "running")}");
    }

    private readonly ConcurrentDictionary<string, Broadcast> _broadcasts = new();

    public IReadOnlyCollection<Broadcast> All => [.. _broadcasts.Values.OrderBy(b => b.Started)];

    public Broadcast? Find(string id) => _broadcasts.TryGetValue(id, out var b) ? b : null;

    /// <summary>
    /// Every character created through an account: the <c>charactername</c> tag holds exactly one
    /// <see cref="CharacterNameEvents.Claimed"/> per character (its name claim), so this reads one event per character
    /// and nothing else (the <c>player</c> tag would read every checkpoint). Characters of --dev <c>hello</c> sockets
    /// claim no name and are not among them.
    /// </summary>
    public static async Task<IReadOnlyList<PlayerId>> AllCharactersAsync(ActorSystem system)
    {
        var events = await PersistenceQuery.Get(system)
            .ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByTag(EventTags.CharacterName, Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return [.. events.Select(e => e.Event).OfType<CharacterNameEvents.Claimed>().Select(c => c.Character).Distinct()];
    }

    /// <summary>Starts sending <paramref name="draft"/> to <paramref name="characters"/> in the background; returns its progress record.</summary>
    public Broadcast Start(IActorRef inboxes, NotificationDraft draft, IReadOnlyList<PlayerId> characters, TimeSpan askTimeout)
    {
        var broadcast = new Broadcast("b-" + Guid.NewGuid().ToString("N")[..8], draft.Subject, characters.Count);
        _broadcasts[broadcast.Id] = broadcast;
        _ = Task.Run(() => RunAsync(broadcast, inboxes, draft, characters, askTimeout));
        return broadcast;
    }

    private async Task RunAsync(Broadcast broadcast, IActorRef inboxes, NotificationDraft draft, IReadOnlyList<PlayerId> characters, TimeSpan askTimeout)
    {
        log.LogInformation("Broadcast {Id} '{Subject}' to {Total} characters started", broadcast.Id, broadcast.Subject, broadcast.Total);
        try
        {
            foreach (var batch in characters.Chunk(settings.BroadcastBatch))
            {
                var answers = await Task.WhenAll(batch.Select(id => SendAsync(inboxes, draft, id, broadcast.Id, askTimeout)));
                // Those that failed get one more try with the same command id (a lost answer is not stored twice).
                var retried = await Task.WhenAll(batch.Where((_, i) => !answers[i]).Select(id => SendAsync(inboxes, draft, id, broadcast.Id, askTimeout)));
                foreach (var ok in answers.Where(a => a).Concat(retried)) broadcast.Count(ok);
            }
        }
        catch (Exception e)
        {
            log.LogError(e, "Broadcast {Id} stopped", broadcast.Id);
        }
        broadcast.Finish();
        log.LogInformation("Broadcast {Id} done: {Stored} of {Total} stored, {Failed} failed", broadcast.Id, broadcast.Stored, broadcast.Total, broadcast.Failed);
    }

    private static async Task<bool> SendAsync(IActorRef inboxes, NotificationDraft draft, PlayerId id, string broadcastId, TimeSpan timeout)
    {
        try
        {
            var answer = await inboxes.Ask<IMxoMessage>(new InboxCommands.Notify(id, draft.Code, draft.Subject, draft.Content, "", draft.ExpiresMs,
                Persistent: true, CommandId: $"{broadcastId}/{id.Value}"), timeout);
            return answer is InboxReplies.Notified;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }
}
