using System.Globalization;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Identity;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Lookup;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>
/// The public dossier look-up as a page (<c>/tra-cuu-ho-so</c>): the API's look-up (dossier code, security code, a check
/// code used once), with the check code drawn as a picture (<see cref="CheckCodeImage"/>) that the page's text never holds.
/// </summary>
public static class DossierLookupPage
{
    public const string Path = "/tra-cuu-ho-so";

    public static IEndpointRouteBuilder MapDossierLookupPage(this IEndpointRouteBuilder app)
    {
        var page = app.MapGroup(Path).ExcludeFromDescription().AddEndpointFilter(WebForms.RequireOwnForm);
        page.MapGet("/", (HttpContext http, LookupChallenges challenges) => Render(http, challenges, null, null, []));
        page.MapGet("/ma-kiem-tra.png", (HttpContext http, string? challenge, LookupChallenges challenges) =>
        {
            // Only for a challenge of the platform's that has not expired; never kept by a cache.
            if (challenges.CodeOf(challenge) is not { } code) return Results.NotFound();
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(CheckCodeImage.Png(code), "image/png");
        });
        page.MapPost("/", LookUpAsync).RequireRateLimiting(RateLimits.PerAddress);
        return app;
    }

    private static async Task<IResult> LookUpAsync(HttpContext http, LookupChallenges challenges, IClusterClient cluster)
    {
        var form = http.Request.Form;
        var dossierCode = form["dossierCode"].ToString().Trim();
        var securityCode = form["securityCode"].ToString().Trim();
        var errors = new List<FieldError>();
        if (!DossierCode.TryParse(dossierCode, out var code))
            errors.Add(new("dossierCode", T(http, "Mã hồ sơ gồm 16 chữ số (YYMMDD-OOOO-SSSSS-C).", "A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C).")));
        if (securityCode.Length is 0 or > 16) errors.Add(new("securityCode", T(http, "Nhập mã bảo mật in trên phiếu.", "Enter the security code printed on the slip.")));
        var shown = dossierCode.Length <= 30 && Validation.StorableText.IsStorable(dossierCode) ? dossierCode : null;
        if (errors.Count > 0) return Render(http, challenges, shown, null, errors);
        // The check code works once, on any gateway (the API's rule).
        if (!await challenges.VerifyOnceAsync(form["challenge"], form["checkCode"], cluster))
            return Render(http, challenges, shown, null, [new("checkCode", Refusal(http, Errors.ErrorCatalogue.CheckCodeInvalid.Refuse()))]);
        var view = await cluster.GetGrain<IDossierGrain>(code.Value).LookUpAsync(securityCode);
        if (view is null) return Render(http, challenges, shown, null, [new(null, Refusal(http, Errors.ErrorCatalogue.DossierNotFound.Refuse()))]);
        return Render(http, challenges, null, new DossierResult(view.DossierCode, Status(http, view.Status),
            view.AppointmentDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)), []);
    }

    /// <summary>A dossier's status in the page's words.</summary>
    public static string Status(HttpContext http, DossierStatus status) => status switch
    {
        DossierStatus.Approved => T(http, "Đã khớp sinh trắc học — chờ công dân kích hoạt", "Biometrics matched — waiting for the citizen's activation"),
        DossierStatus.Rejected => T(http, "Từ chối", "Refused"),
        _ => T(http, "Chờ cấp thẻ căn cước", "Waiting for the ID card"),
    };

    /// <summary>The page with a new challenge (each look-up screen its own check code).</summary>
    private static IResult Render(HttpContext http, LookupChallenges challenges, string? dossierCode, DossierResult? result, IReadOnlyList<FieldError> errors)
    {
        var challenge = challenges.Issue().Challenge;
        return WebPage.Render<Web.Lookup.DossierLookupPage>(http, new Dictionary<string, object?>
        {
            ["Challenge"] = challenge, ["ImageUrl"] = $"{Path}/ma-kiem-tra.png?challenge={Uri.EscapeDataString(challenge)}",
            ["DossierCode"] = dossierCode, ["Result"] = result, ["Errors"] = errors,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }
}
