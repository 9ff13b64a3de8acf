using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.Problems;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>Logins: citizens with ID number and password, officers and operators with their service account.</summary>
public static class SessionsApi
{
    // Verified against when the client id is unknown, so both answers cost the same hash.
    private static readonly string UnknownClientHash = new PasswordHasher<ServiceAccount>().HashPassword(new ServiceAccount(), Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/sessions", LogInAsync)
            .WithTags("Sessions")
            .WithName("LogIn")
            .WithSummary("Log in with the personal ID number and password")
            .WithDescription("Returns a signed access token (JWT, role citizen) for an active account.")
            .Validate<LoginRequest>()
            .ProducesProblems(401, 403, 409, 503)
            .AllowAnonymous();

        app.MapPost("/api/v1/service-tokens", IssueServiceToken)
            .WithTags("Sessions")
            .WithName("IssueServiceToken")
            .WithSummary("Log in an officer's or operator's service account")
            .Validate<ServiceTokenRequest>()
            .ProducesProblems(401)
            .AllowAnonymous();
        return app;
    }

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> LogInAsync(
        LoginRequest request, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        var result = await cluster.GetGrain<ICitizenAccountGrain>(request.IdNumber!).LogInAsync(request.Password!);
        if (result.Grant is not { } grant) return ProblemCodes.FromAccountError(result.Error!, http);
        return TypedResults.Ok(issuer.Issue(grant.IdNumber, Roles.Citizen,
        [
            new Claim(TokenIssuer.SessionClaim, grant.SessionId),
            new Claim(TokenIssuer.LevelClaim, ((int)grant.Level).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]));
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
            return ProblemCodes.Problem(StatusCodes.Status401Unauthorized, "invalid_credentials", ProblemCodes.TitleFor(401),
                "The client id or the secret is wrong.");
        }
        return TypedResults.Ok(issuer.Issue(request.ClientId!, account!.Role));
    }
}
