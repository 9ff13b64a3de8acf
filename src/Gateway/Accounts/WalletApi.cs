using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>What level 2 adds to an account: the document wallet and the profile with each field's source.</summary>
public static class WalletApi
{
    public static IEndpointRouteBuilder MapWalletApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/v1/accounts/{idNumber}").WithTags("Level 2").ValidateIdNumberRoute().ProducesValidationProblem();

        account.MapGet("/wallet", WalletAsync)
            .WithName("ReadWallet")
            .WithSummary("The documents integrated into a level-2 account (owner, officer, operator)")
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);

        account.MapPost("/documents/from-register", IntegrateFromRegisterAsync)
            .WithName("IntegrateDocumentFromRegister")
            .WithSummary("\"Tích hợp thông tin\": integrate one of the owner's papers from its issuing register (owner, level 2)")
            .WithDescription("The driving licence, vehicle registration, social insurance or health-insurance card numbered `number` is looked up in its register; when the register names the owner and holds it valid it enters the wallet with the register as its evidence. Otherwise 422 document_not_registered (also for another person's paper: the registers cannot be probed), document_revoked or document_expired. Officers add papers only within a dossier of their office: POST /api/v1/offices/{officeCode}/dossiers/{dossierCode}/papers.")
            .Validate<PaperRequest>()
            .ProducesProblems(401, 403, 404, 409, 422, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapGet("/children", ChildrenAsync)
            .WithName("ListChildren")
            .WithSummary("The owner's children under 14, from the population database (owner, level 2)")
            .WithDescription("Children under 14 cannot have accounts of their own; a parent's level-2 account lists them with their ID numbers, marking those declared as dependents at a police office. A level-1 account answers 409 level2_required.")
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapPost("/children/{childIdNumber}/documents", AddChildDocumentAsync)
            .WithName("IntegrateChildDocument")
            .WithSummary("Integrate a paper of a dependent child under 14 into the parent's level-2 account (officer)")
            .WithDescription("A birth certificate, a health-insurance card or another paper of a child declared as a dependent at a police office, compared with its original; the parent sees it with the child in GET /children while the child is under 14. Any other child answers 409 not_a_dependent.")
            .AddEndpointFilter(async (context, next) => PersonalIdNumber.TryParse(context.HttpContext.Request.RouteValues["childIdNumber"] as string, out _, out var error)
                ? await next(context)
                : ProblemWriter.Validation(new Dictionary<string, string[]> { ["childIdNumber"] = [error] }))
            .Validate<DocumentRequest>()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Officer);

        account.MapGet("/notices", NoticesAsync)
            .WithName("ListNotices")
            .WithSummary("The account's in-app notices, newest first (owner)")
            .WithDescription("Everything the platform told the citizen by SMS or e-mail (activation, locks, lockouts, contact and wallet changes, dossier results, level 2), also kept in the app's list; a code is never shown here, only that it was sent.")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapGet("/profile", ProfileAsync)
            .WithName("ReadProfile")
            .WithSummary("Personal data with each field marked verified by the registry or self-declared (owner, officer, operator)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<IntegratedDocument>>, ProblemHttpResult>> WalletAsync(
        string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!user.MayActOn(idNumber)) return ProblemWriter.NotYours();
        var account = cluster.Account(idNumber);
        if (await AccountReads.StaffReadRefusedAsync(http, account, "document wallet") is { } refused) return refused;
        var result = await account.GetWalletAsync();
        if (result.Value is not { } documents) return ProblemWriter.Refused(result.Error!, http);
        return TypedResults.Ok(documents);
    }

    public static async Task<Results<Ok<IReadOnlyList<IntegratedDocument>>, ProblemHttpResult>> IntegrateFromRegisterAsync(
        string idNumber, PaperRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        var result = await cluster.Account(idNumber).IntegrateFromRegisterAsync(request.Kind!.Value, request.Number!);
        return result.Value is { } documents ? TypedResults.Ok(documents) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<ChildView>>, ProblemHttpResult>> AddChildDocumentAsync(
        string idNumber, string childIdNumber, DocumentRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var result = await cluster.Account(idNumber).AddChildDocumentAsync(childIdNumber, request.ToDocument(user), AccountReads.StatedReason(http));
        return result.Value is { } children ? TypedResults.Ok(children) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<IReadOnlyList<ChildView>>, ProblemHttpResult>> ChildrenAsync(
        string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        var result = await cluster.Account(idNumber).GetChildrenAsync();
        return result.Value is { } children ? TypedResults.Ok(children) : ProblemWriter.Refused(result.Error!, http);
    }

    public static Task<Results<Ok<IReadOnlyList<AccountNotice>>, ProblemHttpResult>> NoticesAsync(string idNumber, HttpContext http,
        IClusterClient cluster, int? limit) =>
        AccountReads.ReadOwnAsync(http, idNumber, cluster, account => account.GetNoticesAsync(limit ?? 50));

    public static Task<Results<Ok<ProfileView>, ProblemHttpResult>> ProfileAsync(string idNumber, HttpContext http, IClusterClient cluster) =>
        AccountReads.ReadOwnAsync(http, idNumber, cluster, account => account.GetProfileAsync(), personalData: "profile");
}
