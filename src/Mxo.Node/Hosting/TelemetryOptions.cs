using Mxo.Actors;

namespace Mxo.Node.Hosting;

/// <summary>
/// Tracing (<c>Mxo:Telemetry</c>, docs/operations.md "Tracing"): off unless an OTLP endpoint is configured, here or
/// through the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
/// </summary>
public sealed record TelemetryOptions : ICheckedSettings
{
    public const string SectionName = "Mxo:Telemetry";

    /// <summary>The standard variable that turns tracing on as well (the SDK reads it itself).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard variable that, when set, chooses the sampler instead of <see cref="SampleRatio"/>.</summary>
    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    /// <summary>Where spans are sent (OTLP); empty: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or tracing off without it.</summary>
    public string OtlpEndpoint { get; init; } = "";

    /// <summary>
    /// The share of new traces kept (parent-based trace-id ratio): 0.1 keeps one in ten; a trace begun elsewhere keeps
    /// its parent's decision.
    /// </summary>
    public double SampleRatio { get; init; } = 0.1;

    public IReadOnlyList<string> Problems() => new ProblemList(SectionName)
        .Require(SampleRatio is >= 0 and <= 1, $"SampleRatio must be between 0 and 1, got {SampleRatio}")
        .Require(OtlpEndpoint.Length == 0 || (Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
            $"OtlpEndpoint must be an absolute http or https URL, got '{OtlpEndpoint}'")
        .ToList();
}
