using Mxo.Protocol;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mxo.Node.Hosting;

/// <summary>
/// The node's OpenTelemetry tracing (docs/operations.md, "Tracing"): the only place the SDK is used. The libraries
/// only make spans through <see cref="MxoTracing.Source"/>; without a tracer provider nothing listens to it and they
/// make none.
/// </summary>
public static class NodeTracing
{
    public const string ServiceName = "mxo-node";

    /// <summary>
    /// Adds a tracer provider when an OTLP endpoint is configured or <paramref name="exporters"/> is given (tests add
    /// an in-memory exporter with it); otherwise adds nothing and returns false.
    /// </summary>
    public static bool AddNodeTracing(this IServiceCollection services, IConfiguration configuration, TelemetryOptions telemetry,
        NodeOptions node, Action<TracerProviderBuilder>? exporters = null)
    {
        var endpoint = telemetry.OtlpEndpoint.Length > 0 ? telemetry.OtlpEndpoint : configuration[TelemetryOptions.OtlpEndpointVariable];
        var otlp = !string.IsNullOrWhiteSpace(endpoint);
        if (!otlp && exporters is null) return false;

        services.AddOpenTelemetry().WithTracing(tracing =>
        {
            // The standard variables come last, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override these.
            tracing.SetResourceBuilder(ResourceBuilder.CreateEmpty()
                    .AddService(ServiceName, serviceVersion: typeof(NodeTracing).Assembly.GetName().Version?.ToString(),
                        autoGenerateServiceInstanceId: false, serviceInstanceId: node.Address)
                    .AddAttributes([
                        new("mxo.node.address", node.Address),
                        new("mxo.node.roles", string.Join(",", node.RoleList)),
                    ])
                    .AddTelemetrySdk()
                    .AddEnvironmentVariableDetector())
                .AddSource(MxoTracing.SourceName)
                // Probes and scrapes every few seconds are no one's request.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"));
            // A sampler set here would win over OTEL_TRACES_SAMPLER (the SDK ignores the variable then): set it only
            // when the variable is not.
            if (string.IsNullOrWhiteSpace(configuration[TelemetryOptions.SamplerVariable]))
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.SampleRatio)));
            if (otlp)
                tracing.AddOtlpExporter(options =>
                {
                    if (telemetry.OtlpEndpoint.Length > 0) options.Endpoint = new Uri(telemetry.OtlpEndpoint);
                });
            exporters?.Invoke(tracing);
        });
        return true;
    }
}
