using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Gateway.Problems;

/// <summary>
/// The one place RFC 9457 answers are made. Every problem carries a stable <c>code</c> from the
/// <see cref="ErrorCatalogue"/>, the catalogue's status, and a title and type derived from that status; clients branch
/// on the code, never on the text. Handlers return typed results; middleware and authentication events write.
/// </summary>
public static class ProblemWriter
{
    /// <summary>Seconds a client is asked to wait after a 503.</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    /// <summary>The problem for <paramref name="error"/>; <paramref name="status"/> only for a framework status the catalogue maps.</summary>
    public static ProblemDetails Details(KnownError error, string? detail = null, int? status = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var code = status ?? error.Status;
        if (code == StatusCodes.Status503ServiceUnavailable) Platform.PlatformMetrics.Unavailable.Add(1);
        var problem = new ProblemDetails { Status = code, Title = TitleFor(code), Type = TypeFor(code), Detail = detail ?? error.Meaning };
        foreach (var (key, value) in extensions ?? []) problem.Extensions[key] = value;
        problem.Extensions["code"] = error.Code;
        return problem;
    }

    public static ProblemHttpResult Result(KnownError error, string? detail = null, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Problem(Details(error, detail, extensions: extensions));

    /// <summary>The answer to a refusal a grain reported; sets Retry-After where the refusal is a limit.</summary>
    public static ProblemHttpResult Refused(Refusal refusal, HttpContext http)
    {
        var extensions = new Dictionary<string, object?>();
        if (refusal.State is { } state) extensions["state"] = state;
        if (refusal.PermittedTriggers is { } permitted) extensions["permittedTriggers"] = permitted;
        if (refusal.FieldErrors is { } fields) extensions["errors"] = fields;
        if (refusal.RetryAfterSeconds is { } retry)
        {
            extensions["retryAfterSeconds"] = retry;
            RetryAfter(http, retry);
        }
        return Result(refusal.Error, refusal.Detail, extensions);
    }

    /// <summary>400 <c>validation_failed</c> with the messages per JSON field.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors)
    {
        var error = ErrorCatalogue.ValidationFailed;
        return TypedResults.ValidationProblem(errors, "One or more fields are invalid.", type: TypeFor(error.Status), title: TitleFor(error.Status),
            extensions: new Dictionary<string, object?> { ["code"] = error.Code });
    }

    public static ProblemHttpResult NotYours() => Result(ErrorCatalogue.Forbidden, "A citizen may act only on their own account.");

    public static ProblemHttpResult CrossOffice() => Result(ErrorCatalogue.CrossOffice);

    /// <summary>Writes a problem from middleware or an authentication event, with the response status set to match.</summary>
    public static async Task WriteAsync(HttpContext http, KnownError error, string? detail = null, int? status = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null, Exception? exception = null)
    {
        var problem = Details(error, detail, status, extensions);
        http.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) RetryAfter(http, UnavailableRetryAfterSeconds);
        if (WantsPage(http))
        {
            // A person browsing the web area gets a page with the same meaning and the same stable code.
            await Web.WebPage.Render<Web.Layout.ErrorPage>(http, new Dictionary<string, object?>
            {
                ["Message"] = PageWords.Refusal(http, new Refusal(error.Code, problem.Detail ?? "")), ["Code"] = error.Code, ["Status"] = problem.Status.Value,
            }, problem.Status.Value).ExecuteAsync(http);
            return;
        }
        var service = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception }))
            await http.Response.WriteAsJsonAsync(problem);
    }

    /// <summary>Fields that cannot be taken: the validation problem, or for a person browsing, the page with its meaning.</summary>
    public static Task WriteValidationAsync(HttpContext http, IDictionary<string, string[]> errors) =>
        WantsPage(http) ? WriteAsync(http, ErrorCatalogue.ValidationFailed) : Validation(errors).ExecuteAsync(http);

    /// <summary>A browser asking for a page (not a client of the API, the provider's protocol or the operators' tools).</summary>
    private static bool WantsPage(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method) && !http.Response.HasStarted &&
        http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase) &&
        !ApiPaths.Any(prefix => http.Request.Path.StartsWithSegments(prefix));

    private static readonly string[] ApiPaths = ["/api", "/connect", "/.well-known", "/openapi", "/scalar", "/health", "/metrics", "/dashboard"];

    /// <summary>An empty answer of the framework (404, 405, 403, ...) as a problem with the catalogue's code for its status.</summary>
    public static Task WriteStatusAsync(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var error = ErrorCatalogue.ForStatus(status);
        return WriteAsync(http, error, error.Status == status ? null : TitleFor(status), status);
    }

    /// <summary>Fills in what a problem made elsewhere by the framework lacks (registered with <c>AddProblemDetails</c>).</summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Title ??= TitleFor(status);
        problem.Type ??= TypeFor(status);
        problem.Extensions.TryAdd("code", ErrorCatalogue.ForStatus(status).Code);
    }

    public static void RetryAfter(HttpContext http, int seconds) =>
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

    public static string TitleFor(int status) => status switch
    {
        400 => "The request is invalid.",
        401 => "Authentication is required or failed.",
        403 => "This action is not allowed for you.",
        404 => "Not found.",
        409 => "The account's state does not allow this.",
        413 => "The request is too large.",
        415 => "Unsupported content type.",
        422 => "The request could not be carried out.",
        429 => "Too many attempts.",
        503 => "The service is temporarily unavailable.",
        _ => "The request failed.",
    };

    public static string TypeFor(int status) => $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}";
}
