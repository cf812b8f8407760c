using System.Text.Json.Nodes;
using Xunit;

namespace Mxo.Bots.Tests;

/// <summary>Bots and notifications (docs/protocol.md, "Notifications"): counted always, read with <c>--notifications</c>.</summary>
public partial class BotsTests
{
    private static JsonObject Notification(string? id) => new()
    {
        ["id"] = id, ["code"] = -2, ["subject"] = "News", ["content"] = new JsonObject { ["text"] = "hi" }, ["sender"] = "",
        ["createdAt"] = 1_795_000_000_000, ["expiresAt"] = null, ["persistent"] = id is not null, ["read"] = false,
    };

    [Fact]
    public async Task A_bot_counts_the_notifications_pushed_to_it_and_with_the_option_marks_the_stored_ones_read()
    {
        Assert.True(BotsCommand.TryParse([], out var defaults, out var error), error);
        Assert.False(defaults.Notifications);
        Assert.True(BotsCommand.TryParse(["--notifications"], out var parsed, out error), error);
        Assert.True(parsed.Notifications);

        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        using var cts = new CancellationTokenSource();
        var options = new BotOptions
        {
            Count = 1, Hello = true, Url = node.SocketUrl, MoveHz = 0, ChatEvery = TimeSpan.Zero, Notifications = true, Seed = 5,
        };
        var swarm = new BotSwarm(options);
        var player = swarm.Names[0].ToLowerInvariant();
        var run = swarm.RunAsync(cts.Token);
        await node.Until(f => f.Any(x => x.Type == "enter")).WaitAsync(Timeout);

        await node.PushAsync(player, "notification", Notification("7"));
        await node.PushAsync(player, "notification", Notification(null)); // not stored: nothing to mark read
        await node.Until(f => f.Any(x => x.Type == "notification_read")).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var read = Assert.Single(node.Frames, f => f.Type == "notification_read");
        Assert.Equal(["7"], read.Data.GetProperty("ids").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal((2L, 1L, 2L), (report.NotificationsPushed, report.NotificationsStored, report.Received("notification")));
        Assert.Equal(0, report.Errors);
        Assert.Contains("notifications: 2 pushed (1 stored)", report.ToString());
    }
}
