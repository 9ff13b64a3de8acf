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
using Orleans.VNeID.Staff;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>Logins: citizens with ID number and password (sessions the account grain keeps), officers and operators with their service account.</summary>
public static class SessionsApi
{
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
            .WithDescription("When the account's logins need a step-up and the password is right, a code goes to the phone on record (the owner's send budget: a stranger without the password cannot spend it). The answer is the same whether or not they do, the password is right, or an account exists.")
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

        sessions.MapDelete("/", LogOutEverywhereAsync)
            .WithName("LogOutEverywhere")
            .WithSummary("Close every session of the account")
            .WithDescription("Every access and refresh token of the account stops working, and every public service the citizen signed in to with VNeID is sent a back-channel logout.")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Citizen);

        app.MapPost("/api/v1/service-tokens", IssueServiceTokenAsync)
            .WithTags("Sessions")
            .WithName("IssueServiceToken")
            .WithSummary("Log in an officer's or operator's service account")
            .WithDescription("Wrong secrets count per client id: past the budget (section Lockout) the client id's logins are refused for a growing while, the service account's audit chain records it and operators are alerted.")
            .Validate<ServiceTokenRequest>()
            .ProducesProblems(401, 429, 503)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();

        app.MapDelete("/api/v1/service-tokens/current", RevokeOwnServiceTokenAsync)
            .WithTags("Sessions")
            .WithName("RevokeServiceToken")
            .WithSummary("Log out: revoke the presented staff token")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Staff);

        var serviceAccounts = app.MapGroup("/api/v1/service-accounts").WithTags("Sessions");
        serviceAccounts.MapPost("/{clientId}/revocation", RevokeServiceAccountAsync)
            .WithName("RevokeServiceAccountTokens")
            .WithSummary("Revoke every token a service account was issued until now (operator)")
            .Validate<LockAccountRequest>()
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Operator);
        serviceAccounts.MapGet("/events", ListStaffEventsAsync)
            .WithName("ListStaffSecurityEvents")
            .WithSummary("The newest service-account logins, failures, lockouts and revocations (operator)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Operator);
        return app;
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> LogInAsync(
        LoginRequest request, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        var result = await cluster.Account(await cluster.AccountKeyAsync(request.IdNumber!)).LogInAsync(request.Password!, request.StepUpCode, DeviceName.From(http));
        return result.Value is { } grant ? TypedResults.Ok(CitizenTokens(issuer, grant)) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Accepted<CodeRequested>> RequestStepUpAsync(StepUpRequest request, IClusterClient cluster)
    {
        await cluster.Account(await cluster.AccountKeyAsync(request.IdNumber!)).RequestStepUpCodeAsync(request.Password!);
        return TypedResults.Accepted((string?)null, new CodeRequested(
            "If this account's logins need a step-up and the password is right, a code has been sent to the phone on record.", "/api/v1/sessions"));
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        // Validated shape: "<ID number>.<session id>.<secret>"; the grain key is the ID number, never the secret.
        var parts = request.RefreshToken!.Split('.', 3);
        var result = await cluster.Account(parts[0]).RefreshAsync(parts[1], parts[2]);
        return result.Value is { } grant ? TypedResults.Ok(CitizenTokens(issuer, grant)) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<NoContent> LogOutEverywhereAsync(ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.Account(user.Identity!.Name!).LogOutEverywhereAsync();
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> LogOutAsync(ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.Account(user.Identity!.Name!).LogOutAsync(user.FindFirstValue(TokenIssuer.SessionClaim) ?? "");
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> IssueServiceTokenAsync(
        ServiceTokenRequest request, IOptions<Dictionary<string, ServiceAccount>> accounts, TokenIssuer issuer, IClusterClient cluster, HttpContext http)
    {
        var (account, refusal) = await ServiceAccountLogIn.VerifyAsync(request.ClientId!, request.ClientSecret!, request.Code, accounts.Value, cluster, http);
        return account is null ? refusal! : TypedResults.Ok(ServiceAccountLogIn.Token(issuer, request.ClientId!, account));
    }

    public static async Task<NoContent> RevokeOwnServiceTokenAsync(ClaimsPrincipal user, IClusterClient cluster, TimeProvider clock)
    {
        var expires = long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : clock.GetUtcNow().AddDays(1);
        await cluster.GetGrain<IStaffAccessGrain>(0).RevokeTokenAsync(user.Identity!.Name!, user.FindFirstValue(JwtRegisteredClaimNames.Jti) ?? "", expires);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeServiceAccountAsync(
        string clientId, LockAccountRequest request, ClaimsPrincipal user, IOptions<Dictionary<string, ServiceAccount>> accounts,
        IClusterClient cluster, TimeProvider clock)
    {
        if (!accounts.Value.ContainsKey(clientId)) return ProblemWriter.Result(ErrorCatalogue.NotFound, "There is no service account with this client id.");
        // Tokens carry their issue time in whole seconds: every token of this second and before is revoked.
        await cluster.GetGrain<IStaffAccessGrain>(0).RevokeAllAsync(clientId, clock.GetUtcNow(), user.ToActor(), request.Reason!.Trim());
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<StaffSecurityEvent>>> ListStaffEventsAsync(IClusterClient cluster, int? limit) =>
        TypedResults.Ok(await cluster.GetGrain<IStaffAccessGrain>(0).RecentEventsAsync(limit ?? 100));

    /// <summary>A citizen's access and refresh tokens for a session; <paramref name="methods"/> (RFC 8176) when the sign-in was not a password's.</summary>
    internal static AccessToken CitizenTokens(TokenIssuer issuer, LoginGrant grant, IReadOnlyList<string>? methods = null) =>
        issuer.Issue(grant.IdNumber, Roles.Citizen,
        [
            new Claim(TokenIssuer.SessionClaim, grant.SessionId),
            new Claim(TokenIssuer.LevelClaim, ((int)grant.Level).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. (methods ?? []).Select(m => new Claim("amr", m)),
        ]) with { RefreshToken = grant.RefreshToken, RefreshExpiresAt = grant.RefreshExpiresAt };
}
