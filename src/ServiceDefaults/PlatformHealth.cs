using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// The same health endpoints on every host (the gateway and each silo's management port): <c>/health/live</c> answers
/// while the process does, whatever its dependencies do (a liveness probe that restarts nothing for a database outage);
/// <c>/health/ready</c> (and <c>/health</c>, its older name) runs every check tagged <see cref="ReadyTag"/>.
/// </summary>
public static class PlatformHealth
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapPlatformHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        foreach (var path in new[] { "/health/ready", "/health" })
            app.MapHealthChecks(path, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description }),
        });
    }
}
