using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>Logins: citizens with ID number and password (sessions the account grain keeps), officers and operators with their service account.</summary>
public static class SessionsApi
{
    // Verified against when the client id is unknown, so both answers cost the same hash.
    private static readonly string UnknownClientHash = new PasswordHasher<ServiceAccount>().HashPassword(new ServiceAccount(), Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/v1/sessions").WithTags("Sessions");

        sessions.MapPost("/", LogInAsync)
            .WithName("LogIn")
            .WithSummary("Log in with the personal ID number and password")
            .WithDescription("Returns a short-lived access token (JWT, role citizen) and a refresh token. Wrong passwords lead to growing temporary lockouts (429) and then to a step-up (401 step_up_required): the login then also needs `stepUpCode`, sent to the phone on record by POST /api/v1/sessions/step-up. A stranger cannot lock an account for good.")
            .Validate<LoginRequest>()
            .ProducesProblems(401, 409, 429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        sessions.MapPost("/step-up", RequestStepUpAsync)
            .WithName("RequestStepUpCode")
            .WithSummary("Send a step-up code to the phone on record")
            .WithDescription("When the account's logins need a step-up, a code goes to the phone on record. The answer is the same whether or not they do, or an account exists.")
            .Validate<StepUpRequest>()
            .ProducesProblems(429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        sessions.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshSession")
            .WithSummary("Exchange a refresh token for new tokens")
            .WithDescription("Each refresh token works once. Presenting a used one closes the session.")
            .Validate<RefreshRequest>()
            .ProducesProblems(401, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        sessions.MapDelete("/current", LogOutAsync)
            .WithName("LogOut")
            .WithSummary("Close the session of the presented access token")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Citizen);

        app.MapPost("/api/v1/service-tokens", IssueServiceToken)
            .WithTags("Sessions")
            .WithName("IssueServiceToken")
            .WithSummary("Log in an officer's or operator's service account")
            .Validate<ServiceTokenRequest>()
            .ProducesProblems(401)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();
        return app;
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> LogInAsync(
        LoginRequest request, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        var result = await cluster.Account(request.IdNumber!).LogInAsync(request.Password!, request.StepUpCode);
        return result.Value is { } grant ? TypedResults.Ok(CitizenTokens(issuer, grant)) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Accepted<CodeRequested>> RequestStepUpAsync(StepUpRequest request, IClusterClient cluster)
    {
        await cluster.Account(request.IdNumber!).RequestStepUpCodeAsync();
        return TypedResults.Accepted((string?)null, new CodeRequested(
            "If this account's logins need a step-up, a code has been sent to the phone on record.", "/api/v1/sessions"));
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        // Validated shape: "<ID number>.<session id>.<secret>"; the grain key is the ID number, never the secret.
        var parts = request.RefreshToken!.Split('.', 3);
        var result = await cluster.Account(parts[0]).RefreshAsync(parts[1], parts[2]);
        return result.Value is { } grant ? TypedResults.Ok(CitizenTokens(issuer, grant)) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<NoContent> LogOutAsync(ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.Account(user.Identity!.Name!).LogOutAsync(user.FindFirstValue(TokenIssuer.SessionClaim) ?? "");
        return TypedResults.NoContent();
    }

    public static Results<Ok<AccessToken>, ProblemHttpResult> IssueServiceToken(
        ServiceTokenRequest request, IOptions<Dictionary<string, ServiceAccount>> accounts, TokenIssuer issuer)
    {
        var hasher = new PasswordHasher<ServiceAccount>();
        var found = accounts.Value.TryGetValue(request.ClientId!, out var account) &&
                    account.Role is Roles.Officer or Roles.Operator;
        var verdict = hasher.VerifyHashedPassword(account ?? new ServiceAccount(), found ? account!.SecretHash : UnknownClientHash, request.ClientSecret!);
        if (!found || verdict == PasswordVerificationResult.Failed)
        {
            return ProblemWriter.Result(ErrorCatalogue.InvalidCredentials, "The client id or the secret is wrong.");
        }
        IEnumerable<Claim>? office = account!.Office is { Length: > 0 } code ? [new Claim(TokenIssuer.OfficeClaim, code)] : null;
        return TypedResults.Ok(issuer.Issue(request.ClientId!, account.Role, office));
    }

    private static AccessToken CitizenTokens(TokenIssuer issuer, LoginGrant grant) =>
        issuer.Issue(grant.IdNumber, Roles.Citizen,
        [
            new Claim(TokenIssuer.SessionClaim, grant.SessionId),
            new Claim(TokenIssuer.LevelClaim, ((int)grant.Level).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]) with { RefreshToken = grant.RefreshToken, RefreshExpiresAt = grant.RefreshExpiresAt };
}
