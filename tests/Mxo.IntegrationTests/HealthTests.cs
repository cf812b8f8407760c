using System.Net;
using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary><c>/health/live</c> is Akka.Hosting's actor-system liveness check behind ASP.NET Core health checks.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Live_answers_503_once_the_actor_system_has_terminated()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]);
        using var http = new HttpClient { BaseAddress = node.Http };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        await node.System.Terminate();

        var answer = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("not_live", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }
}
