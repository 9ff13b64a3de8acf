using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Identity;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>Level 2 in person: the officer's desk and the public dossier look-up (the wallet and profile are account routes).</summary>
public static class DossiersApi
{
    public static IEndpointRouteBuilder MapDossiersApi(this IEndpointRouteBuilder app)
    {
        var office = app.MapGroup("/api/v1/offices/{officeCode}").WithTags("Level 2");

        office.MapPost("/dossiers", OpenAsync)
            .WithName("OpenDossier")
            .WithSummary("Receive a level-2 dossier at the officer's own office")
            .WithDescription("Compares the captured portrait and fingerprint templates with the ID-card database; on a match a level-1 account goes to PendingUpgrade (still usable at level 1 until the owner confirms with the code sent to the phone on record), an account not yet active to PendingActivation (target Level2), and the code is sent. Received only in office hours; a re-submission returns the same receipt.")
            .Validate<OpenDossierRequest>()
            .ProducesProblems(401, 403, 404, 422, 503)
            .RequireAuthorization(Policies.Officer);

        office.MapPost("/dossiers/{dossierCode}/card-issued", CardIssuedAsync)
            .WithName("RecordCardIssued")
            .WithSummary("Confirm that the chip ID card applied for with the dossier was issued: issue the account with it (a second person)")
            .WithDescription("Confirmed by another officer of the office or an operator, never by the officer who opened the dossier. The ID-card database must hold the card (number, issue date, templates); the templates captured at the desk are compared with the card's.")
            .ProducesValidationProblem()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Staff);

        office.MapPost("/dossiers/{dossierCode}/papers", AddPaperAsync)
            .WithName("AddDossierPaper")
            .WithSummary("Add a paper the citizen presents during the dossier's visit, checked against its register (officer of the dossier's office)")
            .WithDescription("Only the day the dossier was received, in office hours (409 dossier_not_open otherwise, or for a refused dossier), by an officer of its office (403 cross_office). The paper's issuing register decides: 422 document_not_registered, document_other_person, document_revoked or document_expired; the wallet keeps the register's facts. The chip ID card and the passport come only from their own registries.")
            .Validate<Accounts.PaperRequest>()
            .ProducesProblems(401, 403, 404, 409, 422, 503)
            .RequireAuthorization(Policies.Officer);

        office.MapGet("/dossiers/overdue", ListOverdueAsync)
            .WithName("ListOverdueDossiers")
            .WithSummary("Open dossiers of the office past their appointment date (its officers, operators)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Staff);

        app.MapPost("/api/v1/dossiers/lookup-challenges", (LookupChallenges challenges) => TypedResults.Ok(challenges.Issue()))
            .WithTags("Level 2")
            .WithName("NewDossierLookupChallenge")
            .WithSummary("A check code for the dossier lookup screen, new for each lookup")
            .WithDescription("Show checkCode to the citizen and send it back, with challenge, to the lookup; valid for five minutes, and for one lookup.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();

        app.MapGet("/api/v1/dossiers/{dossierCode}", LookUpAsync)
            .WithTags("Level 2")
            .WithName("LookUpDossier")
            .WithSummary("Public status of a dossier by its code, its security code and a check code")
            .WithDescription("Needs the dossier code and the security code printed on the slip, and the check code shown with a challenge from POST /api/v1/dossiers/lookup-challenges. Answers only status and appointment date; a wrong code and a wrong security code look the same.")
            .ProducesValidationProblem()
            .ProducesProblems(404, 422, 503)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();

        return app;
    }

    public static async Task<Results<Created<DossierReceipt>, ProblemHttpResult>> OpenAsync(
        string officeCode, OpenDossierRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var officer = user.ToActor();
        var result = await cluster.GetGrain<IOfficeDeskGrain>(officeCode).SubmitAsync(officer, user.Office() ?? "", request.ToDossier(officer, officeCode));
        return result.Value is { } receipt
            ? TypedResults.Created($"/api/v1/dossiers/{receipt.DossierCode}", receipt)
            : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<DossierReceipt>, ValidationProblem, ProblemHttpResult>> CardIssuedAsync(
        string officeCode, string dossierCode, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!DossierCode.TryParse(dossierCode, out var code))
            return ProblemWriter.Validation(new Dictionary<string, string[]> { ["dossierCode"] = ["A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C) with a valid check digit."] });
        if (user.IsInRole(Roles.Officer) && user.Office() != officeCode) return ProblemWriter.CrossOffice();
        var result = await cluster.GetGrain<IDossierGrain>(code.Value).CardIssuedAsync(user.ToActor(), user.Office());
        return result.Value is { } receipt ? TypedResults.Ok(receipt) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<IntegratedDocument>>, ValidationProblem, ProblemHttpResult>> AddPaperAsync(
        string officeCode, string dossierCode, Accounts.PaperRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!DossierCode.TryParse(dossierCode, out var code))
            return ProblemWriter.Validation(new Dictionary<string, string[]> { ["dossierCode"] = ["A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C) with a valid check digit."] });
        if (user.Office() != officeCode) return ProblemWriter.CrossOffice();
        var result = await cluster.GetGrain<IDossierGrain>(code.Value).AddPaperAsync(user.ToActor(), user.Office(), request.Kind!.Value, request.Number!);
        return result.Value is { } documents ? TypedResults.Ok(documents) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<OverdueDossier>>, ProblemHttpResult>> ListOverdueAsync(
        string officeCode, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (user.IsInRole(Roles.Officer) && user.Office() != officeCode) return ProblemWriter.CrossOffice();
        return TypedResults.Ok(await cluster.GetGrain<IOfficeDeskGrain>(officeCode).ListOverdueAsync());
    }

    public static async Task<Results<Ok<DossierStatusView>, ValidationProblem, ProblemHttpResult>> LookUpAsync(
        string dossierCode, string? securityCode, string? challenge, string? checkCode, IClusterClient cluster, LookupChallenges challenges)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DossierCode.TryParse(dossierCode, out var code)) errors["dossierCode"] = ["A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C) with a valid check digit."];
        if (string.IsNullOrWhiteSpace(securityCode) || securityCode.Length > 16) errors["securityCode"] = ["The security code printed on the slip is required."];
        if (string.IsNullOrWhiteSpace(challenge) || string.IsNullOrWhiteSpace(checkCode))
            errors["checkCode"] = ["The check code shown on the lookup screen and its challenge (POST /api/v1/dossiers/lookup-challenges) are required."];
        if (errors.Count > 0) return ProblemWriter.Validation(errors);
        // Rule: the lookup's check code changes with each lookup screen (issue 14), beside the printed security code.
        if (!await challenges.VerifyOnceAsync(challenge, checkCode, cluster)) return ProblemWriter.Result(ErrorCatalogue.CheckCodeInvalid);
        var view = await cluster.GetGrain<IDossierGrain>(code.Value).LookUpAsync(securityCode!);
        return view is null
            ? ProblemWriter.Result(ErrorCatalogue.DossierNotFound)
            : TypedResults.Ok(view);
    }
}
