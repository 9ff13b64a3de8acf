using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Gateway.Problems;

/// <summary>
/// Turns what escapes a handler into problem details: a request the framework could not read is the client's
/// fault (4xx); a cluster or database that does not answer is 503 with Retry-After; anything else is a defect (500).
/// </summary>
public sealed class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case BadHttpRequestException bad:
                var detail = bad.InnerException is JsonException json
                    ? $"The request body is not valid JSON for this operation (at {json.Path ?? "$"})."
                    : bad.StatusCode == StatusCodes.Status400BadRequest ? "A JSON request body is required." : ProblemWriter.TitleFor(bad.StatusCode);
                await ProblemWriter.WriteAsync(context, ErrorCatalogue.ForStatus(bad.StatusCode), detail, bad.StatusCode, exception: exception);
                break;
            case var transient when IsUnavailable(transient):
                // One line per outage window, not one per request: the hosts' log throttle (OutageLogThrottle) counts the rest.
                logger.LogWarning(exception, "Cluster or database unavailable ({Method} {Route})", context.Request.Method,
                    context.GetEndpoint()?.DisplayName ?? context.Request.Path);
                await ProblemWriter.WriteAsync(context, ErrorCatalogue.ServiceUnavailable,
                    "The identity cluster or its database did not answer; nothing was changed unless a later read shows it. Retry shortly.",
                    exception: exception);
                break;
            default:
                logger.LogError(exception, "Unhandled exception");
                await ProblemWriter.WriteAsync(context, ErrorCatalogue.InternalError, exception: exception);
                break;
        }
        return true;
    }

    private static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PlatformUnavailableException or OrleansException or TimeoutException or SiloUnavailableException or NpgsqlException or SocketException
                or InconsistentStateException or OperationCanceledException) return true;
        }
        return false;
    }
}
