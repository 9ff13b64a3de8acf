using System.ComponentModel;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Organisations;

namespace Orleans.VNeID.Gateway.Organisations;

/// <summary>
/// Organisations' e-ID accounts on the API, for the VNeID app: the caller is always a citizen acting from their own
/// account session (the representative, or a person the representative authorised); the rules are the organisation
/// grain's (<see cref="IOrganisationGrain"/>).
/// </summary>
public static class OrganisationsApi
{
    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organisations").WithTags("Organisations").RequireAuthorization(Policies.Citizen);
        group.MapGet("/", MineAsync)
            .WithName("ListMyOrganisations")
            .WithSummary("The organisations the caller acts for (citizen)")
            .WithDescription("Those the business register names the caller legal representative of (with an account registered), and those whose representative authorised the caller, each with its status and the caller's role.")
            .ProducesProblems(401, 503);
        group.MapPost("/", RegisterAsync)
            .WithName("RegisterOrganisation")
            .WithSummary("Register an organisation's account (its legal representative, level 2)")
            .WithDescription("Matched with the business register: 404 organisation_not_found (not in the register, or not operating), 403 not_the_representative, 409 level2_required, 409 organisation_exists. The account then waits for activation.")
            .Validate<OrganisationRegistration>()
            .ProducesProblems(400, 401, 403, 404, 409, 503);
        var one = group.MapGroup("/{identifier}").AddEndpointFilter(async (context, next) =>
            OrganisationId.TryParse(context.HttpContext.Request.RouteValues["identifier"] as string, out var error)
                ? await next(context)
                : ProblemWriter.Validation(new Dictionary<string, string[]> { ["identifier"] = [error] }));
        one.MapGet("/", GetAsync)
            .WithName("GetOrganisation")
            .WithSummary("An organisation as the caller may see it")
            .WithDescription("Its register facts and papers, its status; the representative sees every authorisation and the trail, an authorised person only their own authorisation. Anyone else: 404 organisation_not_found.")
            .ProducesProblems(400, 401, 404, 503);
        one.MapPost("/activation", (ClaimsPrincipal user, IClusterClient cluster, HttpContext http, string identifier) =>
                ActAsync(user, cluster, http, identifier, (o, id, session) => o.ActivateAsync(id, session)))
            .WithName("ActivateOrganisation")
            .WithSummary("Activate an organisation's account (its representative)")
            .WithDescription("On a session that confirmed a code to the representative's phone in the last 10 minutes (403 fresh_code_required otherwise); the account console (/account/organisations) sends and confirms that code.")
            .ProducesProblems(400, 401, 403, 404, 409, 503);
        one.MapPost("/lock", (ClaimsPrincipal user, IClusterClient cluster, HttpContext http, string identifier) =>
                ActAsync(user, cluster, http, identifier, (o, id, session) => o.LockAsync(id, session)))
            .WithName("LockOrganisation")
            .WithSummary("Lock an organisation's account (its representative): nobody signs in for it until unlocked")
            .ProducesProblems(400, 401, 403, 404, 409, 503);
        one.MapPost("/unlock", (ClaimsPrincipal user, IClusterClient cluster, HttpContext http, string identifier) =>
                ActAsync(user, cluster, http, identifier, (o, id, session) => o.UnlockAsync(id, session)))
            .WithName("UnlockOrganisation")
            .WithSummary("Unlock an organisation's account (its representative)")
            .ProducesProblems(400, 401, 403, 404, 409, 503);
        one.MapPost("/authorisations", AuthoriseAsync)
            .WithName("AuthoriseForOrganisation")
            .WithSummary("Authorise a citizen for the organisation (its representative)")
            .WithDescription("A personal ID number, one or more scopes (public_services, tax, social_insurance, banking) and the last day (today to five years ahead). A new authorisation of the same person replaces theirs; every grant is in the organisation's trail.")
            .Validate<OrganisationAuthorisation>()
            .ProducesProblems(400, 401, 403, 404, 409, 503);
        one.MapDelete("/authorisations/{grantId}", (ClaimsPrincipal user, IClusterClient cluster, HttpContext http, string identifier, string grantId) =>
                ActAsync(user, cluster, http, identifier, (o, id, session) => o.WithdrawAsync(id, session, grantId[..Math.Min(grantId.Length, 20)])))
            .WithName("WithdrawOrganisationAuthorisation")
            .WithSummary("Withdraw an authorisation, at once (the representative)")
            .ProducesProblems(400, 401, 403, 404, 503);
        return app;
    }

    public static async Task<Ok<OrganisationView[]>> MineAsync(ClaimsPrincipal user, IClusterClient cluster)
    {
        var (idNumber, session) = Caller(user);
        var views = new List<OrganisationView>();
        foreach (var candidate in await cluster.GetGrain<IOrganisationRolesGrain>(idNumber).CandidatesAsync())
            if ((await cluster.GetGrain<IOrganisationGrain>(candidate).GetAsync(idNumber, session)).Value is { } view) views.Add(view);
        return TypedResults.Ok(views.ToArray());
    }

    public static Task<Results<Ok<OrganisationView>, ProblemHttpResult>> RegisterAsync(OrganisationRegistration body, ClaimsPrincipal user,
        IClusterClient cluster, HttpContext http) =>
        ActAsync(user, cluster, http, body.Identifier!, (o, id, session) => o.RegisterAsync(id, session));

    public static Task<Results<Ok<OrganisationView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, IClusterClient cluster, HttpContext http, string identifier) =>
        ActAsync(user, cluster, http, identifier, (o, id, session) => o.GetAsync(id, session));

    public static Task<Results<Ok<OrganisationView>, ProblemHttpResult>> AuthoriseAsync(OrganisationAuthorisation body, ClaimsPrincipal user,
        IClusterClient cluster, HttpContext http, string identifier) =>
        ActAsync(user, cluster, http, identifier, (o, id, session) => o.AuthoriseAsync(id, session, body.IdNumber!, body.Scopes!, body.Until!.Value));

    private static async Task<Results<Ok<OrganisationView>, ProblemHttpResult>> ActAsync(ClaimsPrincipal user, IClusterClient cluster, HttpContext http,
        string identifier, Func<IOrganisationGrain, string, string, Task<Result<OrganisationView>>> act)
    {
        var (idNumber, session) = Caller(user);
        var result = await act(cluster.GetGrain<IOrganisationGrain>(identifier), idNumber, session);
        return result.Value is { } view ? TypedResults.Ok(view) : ProblemWriter.Refused(result.Error!, http);
    }

    private static (string IdNumber, string Session) Caller(ClaimsPrincipal user) =>
        (user.Identity!.Name!, user.FindFirstValue(TokenIssuer.SessionClaim)!);
}

/// <summary>An organisation to register: its enterprise code.</summary>
public sealed record OrganisationRegistration(
    [property: Description("The enterprise code in the business register: 10 digits, or 10 digits, a hyphen and 3 digits for a branch.")] string? Identifier);

public sealed class OrganisationRegistrationValidator : AbstractValidator<OrganisationRegistration>
{
    public OrganisationRegistrationValidator() =>
        RuleFor(r => r.Identifier).NotEmpty().Must(i => OrganisationId.TryParse(i, out _))
            .WithMessage("An enterprise code has 10 digits, or 10 digits, a hyphen and 3 digits for a branch.");
}

/// <summary>An authorisation to give: to whom, for what, until when.</summary>
public sealed record OrganisationAuthorisation(
    [property: Description("The authorised citizen's personal ID number.")] string? IdNumber,
    [property: Description("What they may do for the organisation: public_services, tax, social_insurance, banking.")] IReadOnlyList<string>? Scopes,
    [property: Description("The last day the authorisation is in force (yyyy-MM-dd), today to five years ahead.")] DateOnly? Until);

public sealed class OrganisationAuthorisationValidator : AbstractValidator<OrganisationAuthorisation>
{
    public OrganisationAuthorisationValidator()
    {
        RuleFor(a => a.IdNumber).NotEmpty().Must(i => PersonalIdNumber.TryParse(i, out _, out _)).WithMessage("A valid personal ID number (12 digits).");
        RuleFor(a => a.Scopes).NotEmpty().Must(s => s is { Count: <= 4 } && s.All(OrganisationScopes.IsKnown))
            .WithMessage("One or more of public_services, tax, social_insurance, banking.");
        RuleFor(a => a.Until).NotNull();
    }
}
