using System.Buffers;
using System.Text.Json;
using Mxo.Protocol.Wire;

namespace Mxo.Bots;

/// <summary>
/// Builds client frames (<c>{"type","v","id","data"}</c>) with <see cref="Utf8JsonWriter"/> into one reused buffer.
/// Not thread-safe: a bot has one sender at a time. The returned memory is valid until the next frame is built.
/// </summary>
internal sealed class BotFrameWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public BotFrameWriter() => _writer = new Utf8JsonWriter(_buffer);

    public ReadOnlyMemory<byte> Hello(string id, string name) => WithString("hello", id, "name", name);

    public ReadOnlyMemory<byte> Enter(string id, string district) => WithString("enter", id, "district", district);

    public ReadOnlyMemory<byte> Move(string id, double x, double y, double z)
    {
        Begin("move", id);
        _writer.WriteNumber("x", Math.Round(x, 2));
        _writer.WriteNumber("y", Math.Round(y, 2));
        _writer.WriteNumber("z", Math.Round(z, 2));
        return End();
    }

    public ReadOnlyMemory<byte> Say(string id, string text) => WithString("say", id, "text", text);

    /// <summary><c>chat</c> on <paramref name="channel"/> (<c>say</c> or <c>district</c>).</summary>
    public ReadOnlyMemory<byte> Chat(string id, string channel, string text)
    {
        Begin("chat", id);
        _writer.WriteString("channel", channel);
        _writer.WriteString("text", text);
        return End();
    }

    public ReadOnlyMemory<byte> Whisper(string id, string to, string text)
    {
        Begin("whisper", id);
        _writer.WriteString("to", to);
        _writer.WriteString("text", text);
        return End();
    }

    /// <summary><c>chat_settings {offlineWhispers}</c>.</summary>
    public ReadOnlyMemory<byte> ChatSettings(string id, bool offlineWhispers)
    {
        Begin("chat_settings", id);
        _writer.WriteBoolean("offlineWhispers", offlineWhispers);
        return End();
    }

    /// <summary>A crew request with one string field (<c>crew_create {name}</c>, <c>crew_invite {name}</c>, <c>crew_accept {crew}</c>).</summary>
    public ReadOnlyMemory<byte> Crew(string type, string id, string field, string value) => WithString(type, id, field, value);

    public ReadOnlyMemory<byte> Auth(string id, string token) => WithString("auth", id, "token", token);

    public ReadOnlyMemory<byte> Engage(string id, string target) => WithString("engage", id, "target", target);

    public ReadOnlyMemory<byte> Tactic(string id, string name) => WithString("tactic", id, "name", name);

    public ReadOnlyMemory<byte> Ability(string id, string ability) => WithString("ability", id, "id", ability);

    /// <summary><c>duel_accept</c> or <c>duel_decline</c> of the challenge from <paramref name="from"/>.</summary>
    public ReadOnlyMemory<byte> DuelAnswer(string id, bool accept, string from) =>
        WithString(accept ? "duel_accept" : "duel_decline", id, "from", from);

    /// <summary><c>reconstruct</c> without a hardline: the nearest unlocked one, or the district's spawn.</summary>
    public ReadOnlyMemory<byte> Reconstruct(string id)
    {
        Begin("reconstruct", id);
        return End();
    }

    /// <summary><c>notifications</c>: the newest page of 100.</summary>
    public ReadOnlyMemory<byte> Notifications(string id)
    {
        Begin("notifications", id);
        _writer.WriteNumber("limit", 100);
        return End();
    }

    /// <summary><c>notification_read</c> of <paramref name="ids"/> (at most 100).</summary>
    public ReadOnlyMemory<byte> NotificationRead(string id, IEnumerable<string> ids)
    {
        Begin("notification_read", id);
        _writer.WriteStartArray("ids");
        foreach (var one in ids) _writer.WriteStringValue(one);
        _writer.WriteEndArray();
        return End();
    }

    /// <summary>A mission request with one id field (<c>mission_talk {target}</c>, <c>mission_accept {mission}</c>, <c>mission_get {object}</c>, <c>mission_abandon {mission}</c>).</summary>
    public ReadOnlyMemory<byte> Mission(string type, string id, string field, string value) => WithString(type, id, field, value);

    /// <summary><c>mission_give {item, target}</c>.</summary>
    public ReadOnlyMemory<byte> MissionGive(string id, string item, string target)
    {
        Begin("mission_give", id);
        _writer.WriteString("item", item);
        _writer.WriteString("target", target);
        return End();
    }

    /// <summary><c>missions</c>: the character's active and completed missions.</summary>
    public ReadOnlyMemory<byte> Missions(string id)
    {
        Begin("missions", id);
        return End();
    }

    public ReadOnlyMemory<byte> Ping(string id)
    {
        Begin("ping", id);
        return End();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>A frame whose data is one string field.</summary>
    private ReadOnlyMemory<byte> WithString(string type, string id, string name, string value)
    {
        Begin(type, id);
        _writer.WriteString(name, value);
        return End();
    }

    private void Begin(string type, string id)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("type", type);
        _writer.WriteNumber("v", WireProtocol.Version);
        _writer.WriteString("id", id);
        _writer.WriteStartObject("data");
    }

    private ReadOnlyMemory<byte> End()
    {
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }
}
