using System.Text;
using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>One item of the conversation, with what the stand-in needs beside its wire form.</summary>
public sealed class ConversationItem(string id, string role, JsonObject wire)
{
    public string Id { get; } = id;

    public string Role { get; } = role;

    public JsonObject Wire { get; } = wire;

    /// <summary>What was said or written: a transcript for audio, the text otherwise.</summary>
    public string Text { get; set; } = "";

    /// <summary>Length of the item's audio (user input or assistant speech).</summary>
    public int AudioMs { get; set; }

    /// <summary>An assistant message with audio; one whose content is not written yet (its response is starting) is not.</summary>
    public bool IsAssistantAudio => Role == "assistant" && Wire["content"] is JsonArray { Count: > 0 } content && (string?)content[0]?["type"] == "output_audio";
}

/// <summary>The conversation of one realtime session, shared by the event loop and the running response.</summary>
public sealed class RealtimeConversation
{
    private readonly Lock _gate = new();
    private readonly List<ConversationItem> _items = [];

    public string? LastItemId
    {
        get
        {
            lock (_gate)
            {
                return _items.Count == 0 ? null : _items[^1].Id;
            }
        }
    }

    public bool HasAssistantAudio
    {
        get
        {
            lock (_gate)
            {
                return _items.Any(item => item.IsAssistantAudio);
            }
        }
    }

    /// <summary>Adds an item at the end and returns the id of the item before it.</summary>
    public string? Add(ConversationItem item)
    {
        lock (_gate)
        {
            var previous = _items.Count == 0 ? null : _items[^1].Id;
            _items.Add(item);
            return previous;
        }
    }

    public ConversationItem? Find(string id)
    {
        lock (_gate)
        {
            return _items.FirstOrDefault(item => item.Id == id);
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _items.RemoveAll(item => item.Id == id) > 0;
        }
    }

    /// <summary>The last thing the user said or wrote, the input the default reply answers.</summary>
    public string? LastUserText()
    {
        lock (_gate)
        {
            return _items.LastOrDefault(item => item.Role == "user" && item.Text.Length > 0)?.Text;
        }
    }

    public (string Text, int UserAudioMs) UsageInput()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            foreach (var item in _items)
            {
                text.AppendLine(item.Text);
            }

            return (text.ToString(), _items.Where(item => item.Role == "user").Sum(item => item.AudioMs));
        }
    }
}
