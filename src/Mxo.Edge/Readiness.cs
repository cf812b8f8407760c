namespace Mxo.Edge;

/// <summary>One condition of <c>GET /health/ready</c>. All registered checks must pass.</summary>
public interface IReadinessCheck
{
    string Name { get; }

    /// <returns>null when ready, else why not.</returns>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
