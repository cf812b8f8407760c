using Akka.Persistence.Journal;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Serialization;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>The table of src/Mxo.Actors/Hosting/EventTagging.cs against the persisted events of MxoSerializer.</summary>
public sealed class EventTaggingTests
{
    private static readonly Type[] PersistedEvents =
        [.. MxoSerializer.Manifests.Values.Where(t => typeof(IMxoEvent).IsAssignableFrom(t))];

    public static TheoryData<string> EventManifests =>
        [.. MxoSerializer.Manifests.Where(kv => typeof(IMxoEvent).IsAssignableFrom(kv.Value)).Select(kv => kv.Key)];

    [Theory]
    [MemberData(nameof(EventManifests))]
    public void Every_persisted_event_has_exactly_one_entity_tag(string manifest)
    {
        var type = MxoSerializer.Manifests[manifest];
        var entityTags = EventTagging.TagsOf(type).Intersect(EventTags.Entities);
        Assert.True(entityTags.Count == 1,
            $"{type.FullName} ('{manifest}') has {entityTags.Count} entity tags; add it to EventTagging.Table with one of [{string.Join(", ", EventTags.Entities)}]");
    }

    [Fact]
    public void The_table_holds_only_persisted_events()
    {
        Assert.NotEmpty(PersistedEvents);
        Assert.All(EventTagging.Table.Keys, type => Assert.Contains(type, PersistedEvents));
    }

    [Fact]
    public void Entity_tags_follow_the_entity_the_event_belongs_to()
    {
        var expected = new Dictionary<Type, string>
        {
            [typeof(PlayerEvents)] = EventTags.Player,
            [typeof(DistrictEvents)] = EventTags.District,
            [typeof(AccountEvents)] = EventTags.Account,
            [typeof(CharacterNameEvents)] = EventTags.CharacterName,
            [typeof(Protocol.World.WorldClockEvents)] = EventTags.WorldClock,
            [typeof(Protocol.Combat.CombatEvents)] = EventTags.Combat,
            [typeof(Protocol.Notifications.InboxEvents)] = EventTags.Inbox,
            [typeof(Protocol.Crews.CrewEvents)] = EventTags.Crew,
            [typeof(Protocol.Teams.TeamEvents)] = EventTags.Team,
            [typeof(Protocol.Chat.ChatEvents)] = EventTags.Player,
            [typeof(Protocol.Moderation.ModerationEvents)] = EventTags.Moderation,
            [typeof(Protocol.Orgs.OrgEvents)] = EventTags.Org,
            [typeof(Protocol.Missions.MissionSchedulerEvents)] = EventTags.MissionScheduler,
        };
        Assert.All(PersistedEvents, type =>
            Assert.Equal(expected[type.DeclaringType!], Assert.Single(EventTagging.TagsOf(type).Intersect(EventTags.Entities))));
    }

    [Fact]
    public void Kind_tags_mark_exactly_the_counted_events()
    {
        var byKind = EventTagging.Table
            .SelectMany(kv => kv.Value.Except(EventTags.Entities).Select(tag => (Tag: tag, Type: kv.Key)))
            .ToLookup(x => x.Tag, x => x.Type);
        Assert.Equal([EventTags.Chat, EventTags.EnteredDistrict, EventTags.Login], byKind.Select(g => g.Key).Order());
        Assert.Equal(typeof(PlayerEvents.EnteredDistrict), Assert.Single(byKind[EventTags.EnteredDistrict]));
        Assert.Equal(typeof(DistrictEvents.ChatLineRecorded), Assert.Single(byKind[EventTags.Chat]));
        Assert.Equal(typeof(AccountEvents.RefreshTokenIssued), Assert.Single(byKind[EventTags.Login]));
    }

    [Fact]
    public void The_adapter_wraps_the_same_event_in_Tagged_with_its_tags()
    {
        var chat = new DistrictEvents.ChatLineRecorded(new PlayerId("neo"), "Neo", "There is no spoon", "c1", 42);
        var tagged = Assert.IsType<Tagged>(new EventTagger().ToJournal(chat));
        Assert.Same(chat, tagged.Payload);
        Assert.Equal(["chat", "district"], tagged.Tags.Order());

        var entered = Assert.IsType<Tagged>(new EventTagger().ToJournal(
            new PlayerEvents.EnteredDistrict(new DistrictId("downtown"), new Vec3(1, 2, 3), "c2")));
        Assert.Equal(["entered-district", "player"], entered.Tags.Order());
    }

    [Fact]
    public void An_event_without_an_entry_is_journaled_untagged()
    {
        var status = new ObjectStatus("door-1", "door", new Vec3(0, 0, 0), "open");
        Assert.Same(status, new EventTagger().ToJournal(status));
        Assert.Equal(string.Empty, new EventTagger().Manifest(status));
    }
}
