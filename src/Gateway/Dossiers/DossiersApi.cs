using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>Level 2 in person: the officer's desk, the public dossier look-up, the wallet and the verified profile.</summary>
public static class DossiersApi
{
    public static IEndpointRouteBuilder MapDossiersApi(this IEndpointRouteBuilder app)
    {
        var office = app.MapGroup("/api/v1/offices/{officeCode}").WithTags("Level 2");

        office.MapPost("/dossiers", OpenAsync)
            .WithName("OpenDossier")
            .WithSummary("Receive a level-2 dossier at the officer's own office")
            .WithDescription("Compares the captured portrait and fingerprint templates with the ID-card database; on a match the account goes to PendingActivation (target Level2) and the activation code is sent. Received only in office hours; a re-submission returns the same receipt.")
            .Validate<OpenDossierRequest>()
            .ProducesProblems(401, 403, 404, 422, 503)
            .RequireAuthorization(Policies.Officer);

        office.MapPost("/dossiers/{dossierCode}/card-issued", CardIssuedAsync)
            .WithName("RecordCardIssued")
            .WithSummary("The chip ID card applied for with the dossier was issued: issue the account with it (officer of the office)")
            .ProducesValidationProblem()
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Officer);

        office.MapGet("/dossiers/overdue", ListOverdueAsync)
            .WithName("ListOverdueDossiers")
            .WithSummary("Open dossiers of the office past their appointment date (its officers, operators)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/v1/dossiers/{dossierCode}", LookUpAsync)
            .WithTags("Level 2")
            .WithName("LookUpDossier")
            .WithSummary("Public status of a dossier by its code and security code")
            .WithDescription("Answers only status and appointment date; a wrong code and a wrong security code look the same.")
            .ProducesValidationProblem()
            .ProducesProblems(404, 503)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();

        var account = app.MapGroup("/api/v1/accounts/{idNumber}").WithTags("Level 2").ValidateIdNumberRoute().ProducesValidationProblem();

        account.MapGet("/wallet", WalletAsync)
            .WithName("ReadWallet")
            .WithSummary("The documents integrated into a level-2 account (owner, officer, operator)")
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);

        account.MapPost("/documents", AddDocumentAsync)
            .WithName("IntegrateDocument")
            .WithSummary("Integrate one more paper into a level-2 account after comparing the original (officer)")
            .Validate<DocumentRequest>()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Officer);

        account.MapGet("/profile", ProfileAsync)
            .WithName("ReadProfile")
            .WithSummary("Personal data with each field marked verified by the registry or self-declared (owner, officer, operator)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);
        return app;
    }

    public static async Task<Results<Created<DossierReceipt>, ProblemHttpResult>> OpenAsync(
        string officeCode, OpenDossierRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var officer = user.ToActor();
        var documents = (request.Documents ?? []).Select(d => new IntegratedDocument(d.Kind!.Value, d.Number!, d.Issuer!.Trim(),
            d.ValidFrom, d.ValidUntil, officer.Id, officeCode)).ToArray();
        var dossier = new OpenDossier(request.SubmissionId!, request.IdNumber!, request.HasChipCard!.Value, request.Phone, request.Email,
            documents, request.Dependents ?? [], request.ConsentRecorded!.Value,
            request.HasChipCard.Value ? Convert.FromBase64String(request.PortraitTemplate!) : [],
            request.HasChipCard.Value ? Convert.FromBase64String(request.FingerprintTemplate!) : []);
        var result = await cluster.GetGrain<IOfficeDeskGrain>(officeCode).SubmitAsync(officer, user.Office() ?? "", dossier);
        return result.Receipt is { } receipt
            ? TypedResults.Created($"/api/v1/dossiers/{receipt.DossierCode}", receipt)
            : ProblemCodes.FromAccountError(result.Error!, http);
    }

    public static async Task<Results<Ok<DossierReceipt>, ValidationProblem, ProblemHttpResult>> CardIssuedAsync(
        string officeCode, string dossierCode, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!DossierCode.TryParse(dossierCode, out var code))
            return Validation.Problem(new Dictionary<string, string[]> { ["dossierCode"] = ["A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C) with a valid check digit."] });
        if (user.Office() != officeCode) return AccountsProblems.CrossOffice();
        var result = await cluster.GetGrain<IDossierGrain>(code.Value).CardIssuedAsync(user.ToActor(), user.Office() ?? "");
        return result.Receipt is { } receipt ? TypedResults.Ok(receipt) : ProblemCodes.FromAccountError(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<OverdueDossier>>, ProblemHttpResult>> ListOverdueAsync(
        string officeCode, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (user.IsInRole(Roles.Officer) && user.Office() != officeCode) return AccountsProblems.CrossOffice();
        return TypedResults.Ok(await cluster.GetGrain<IOfficeDeskGrain>(officeCode).ListOverdueAsync());
    }

    public static async Task<Results<Ok<DossierStatusView>, ValidationProblem, ProblemHttpResult>> LookUpAsync(
        string dossierCode, string? securityCode, IClusterClient cluster)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DossierCode.TryParse(dossierCode, out var code)) errors["dossierCode"] = ["A dossier code has 16 digits (YYMMDD-OOOO-SSSSS-C) with a valid check digit."];
        if (string.IsNullOrWhiteSpace(securityCode) || securityCode.Length > 16) errors["securityCode"] = ["The security code printed on the slip is required."];
        if (errors.Count > 0) return Validation.Problem(errors);
        var view = await cluster.GetGrain<IDossierGrain>(code.Value).LookUpAsync(securityCode!);
        return view is null
            ? ProblemCodes.Problem(StatusCodes.Status404NotFound, "dossier_not_found", ProblemCodes.TitleFor(404), "No dossier matches this code and security code.")
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<IReadOnlyList<IntegratedDocument>>, ProblemHttpResult>> WalletAsync(
        string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!user.MayActOn(idNumber)) return AccountsProblems.NotYours();
        var result = await cluster.Account(idNumber).GetWalletAsync();
        return result.Documents is { } documents ? TypedResults.Ok(documents) : ProblemCodes.FromAccountError(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<IntegratedDocument>>, ProblemHttpResult>> AddDocumentAsync(
        string idNumber, DocumentRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var document = new IntegratedDocument(request.Kind!.Value, request.Number!, request.Issuer!.Trim(), request.ValidFrom, request.ValidUntil,
            user.Identity!.Name!, user.Office()!);
        var result = await cluster.Account(idNumber).AddDocumentAsync(document);
        return result.Documents is { } documents ? TypedResults.Ok(documents) : ProblemCodes.FromAccountError(result.Error!, http);
    }

    public static Task<Results<Ok<ProfileView>, ProblemHttpResult>> ProfileAsync(string idNumber, ClaimsPrincipal user, IClusterClient cluster) =>
        AccountsProblems.ReadOwnAsync(user, idNumber, cluster, account => account.GetProfileAsync());
}

/// <summary>Refusals shared by the account routes.</summary>
public static class AccountsProblems
{
    /// <summary>
    /// A read of one account by its owner, an officer or an operator: refused for another citizen, 404 when the grain
    /// has nothing to show.
    /// </summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ReadOwnAsync<T>(ClaimsPrincipal user, string idNumber, IClusterClient cluster,
        Func<ICitizenAccountGrain, Task<T?>> read) where T : class
    {
        if (!user.MayActOn(idNumber)) return NotYours();
        return await read(cluster.Account(idNumber)) is { } value ? TypedResults.Ok(value) : NotFound();
    }

    public static ProblemHttpResult NotYours() =>
        ProblemCodes.Problem(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, ProblemCodes.TitleFor(403), "A citizen may act only on their own account.");

    public static ProblemHttpResult CrossOffice() =>
        ProblemCodes.Problem(StatusCodes.Status403Forbidden, "cross_office", ProblemCodes.TitleFor(403), "An officer acts only on dossiers of their own office.");

    public static ProblemHttpResult NotFound() =>
        ProblemCodes.Problem(StatusCodes.Status404NotFound, "account_not_found", ProblemCodes.TitleFor(404), "No account has been declared for this personal ID number.");
}
