using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Gateway.Problems;

/// <summary>RFC 9457 answers. Every problem carries a stable <c>code</c>; clients branch on it, never on the text.</summary>
public static class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedRequest = "malformed_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>The code of a problem the framework raised with only a status.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => "method_not_allowed",
        413 => "request_too_large",
        415 => "unsupported_media_type",
        503 => ServiceUnavailable,
        _ => "http_" + status,
    };

    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null,
        IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypeFor(status), extensions: all);
    }

    /// <summary>The answer for a refusal the account grain reported; sets Retry-After where the refusal is a limit.</summary>
    public static ProblemHttpResult FromAccountError(AccountError error, HttpContext context)
    {
        var status = error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        var extensions = new Dictionary<string, object?>();
        if (error.State is { } state) extensions["state"] = state.ToString();
        if (error.PermittedTriggers is { } permitted) extensions["permittedTriggers"] = permitted.Select(t => t.ToString()).ToArray();
        if (error.FieldErrors is { } fields) extensions["errors"] = fields;
        if (error.RetryAfterSeconds is { } retry)
        {
            extensions["retryAfterSeconds"] = retry;
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Problem(status, error.Code, TitleFor(status), error.Detail, extensions);
    }

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
