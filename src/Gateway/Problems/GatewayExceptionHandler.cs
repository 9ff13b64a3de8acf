using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.VNeID.Hosting;

namespace Orleans.VNeID.Gateway.Problems;

/// <summary>
/// Turns what escapes a handler into problem details: a request the framework could not read is the client's
/// fault (4xx); a cluster or database that does not answer is 503 with Retry-After; anything else is a defect (500).
/// </summary>
public sealed class GatewayExceptionHandler(IProblemDetailsService problems, ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string code, detail;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                code = ProblemCodes.ForStatus(status);
                detail = bad.InnerException is JsonException json
                    ? $"The request body is not valid JSON for this operation (at {json.Path ?? "$"})."
                    : status == StatusCodes.Status400BadRequest ? "A JSON request body is required." : ProblemCodes.TitleFor(status);
                break;
            case var transient when IsUnavailable(transient):
                status = StatusCodes.Status503ServiceUnavailable;
                code = ProblemCodes.ServiceUnavailable;
                detail = "The identity cluster or its database did not answer; nothing was changed unless a later read shows it. Retry shortly.";
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                logger.LogWarning(exception, "Cluster or database unavailable");
                break;
            default:
                status = StatusCodes.Status500InternalServerError;
                code = ProblemCodes.InternalError;
                detail = "An unexpected error occurred.";
                logger.LogError(exception, "Unhandled exception");
                break;
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = ProblemCodes.TitleFor(status),
                Type = ProblemCodes.TypeFor(status),
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
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
