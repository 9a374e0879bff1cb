using System.ComponentModel.DataAnnotations;

namespace Deckard.Core.Costs;

/// <summary>
/// Prices for the cost estimate (configuration section <c>Costs</c>), in US dollars: per million input and output
/// tokens, or per call for a model that reports no tokens (text-to-speech), by model; and per GPU second of rendering.
/// The defaults are public list prices when this was written; set your own.
/// </summary>
public sealed class CostOptions
{
    public const string SectionName = "Costs";

    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o-mini-transcribe"] = new() { InputPerMillionTokens = 1.25m, OutputPerMillionTokens = 5m },
        ["gpt-5-mini"] = new() { InputPerMillionTokens = 0.25m, OutputPerMillionTokens = 2m },
        ["gpt-5"] = new() { InputPerMillionTokens = 1.25m, OutputPerMillionTokens = 10m, PerCall = 0.01m },
        ["gpt-image-1"] = new() { InputPerMillionTokens = 5m, OutputPerMillionTokens = 40m },
        ["gpt-4o-mini-tts"] = new() { PerCall = 0.015m },
        // Audio token prices: audio is the bulk of a voice conversation's tokens (its text tokens list at $4 / $16).
        ["gpt-realtime"] = new() { InputPerMillionTokens = 32m, OutputPerMillionTokens = 64m },
    };

    /// <summary>A RunPod GPU second (an RTX 4090 is about $0.69 an hour).</summary>
    [Range(0, 100)]
    public decimal GpuPerSecond { get; set; } = 0.00019m;
}

public sealed class ModelPrice
{
    public decimal InputPerMillionTokens { get; set; }

    public decimal OutputPerMillionTokens { get; set; }

    /// <summary>Added to every call (web search's per-call fee, or the whole price of a call that reports no tokens).</summary>
    public decimal PerCall { get; set; }
}
