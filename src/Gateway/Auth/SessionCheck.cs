using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// A citizen's access token is honoured only while the account grain still has its session: locking the account,
/// changing the password or logging out ends it at once, whatever the token's expiry says.
/// </summary>
public static class SessionCheck
{
    internal const string FailureCode = "vneid.auth.failure";

    public static readonly JwtBearerEvents Events = new()
    {
        // The dashboard and the desk are reached from a browser: their token comes in a cookie (StaffSignInPage).
        OnMessageReceived = context =>
        {
            if (StaffSignInPage.TokenFrom(context.Request) is { } token) context.Token = token;
            return Task.CompletedTask;
        },
        OnTokenValidated = async context =>
        {
            var user = context.Principal!;
            if (!user.IsInRole(Roles.Citizen))
            {
                await StaffCheck.ValidateAsync(context);
                return;
            }
            var account = user.Identity?.Name;
            var session = user.FindFirstValue(TokenIssuer.SessionClaim);
            try
            {
                var cluster = context.HttpContext.RequestServices.GetRequiredService<IClusterClient>();
                if (account is not null && session is not null &&
                    await cluster.Account(account).GetForSessionAsync(session) is { } view)
                {
                    SessionAccount.Remember(context.HttpContext, view);
                    return;
                }
                context.HttpContext.Items[FailureCode] = ErrorCatalogue.TokenRevoked;
                context.Fail("The session of this token has ended.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                context.HttpContext.Items[FailureCode] = ErrorCatalogue.ServiceUnavailable;
                context.Fail("The session could not be checked.");
            }
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var http = context.HttpContext;
            var error = http.Items[FailureCode] as KnownError ?? context.AuthenticateFailure switch
            {
                null => ErrorCatalogue.Unauthorized,
                SecurityTokenExpiredException => ErrorCatalogue.TokenExpired,
                _ => ErrorCatalogue.InvalidToken,
            };
            if (error == ErrorCatalogue.ServiceUnavailable)
            {
                await ProblemWriter.WriteAsync(http, error, "The session could not be checked; retry shortly.");
                return;
            }
            http.Response.Headers.WWWAuthenticate = "Bearer";
            if (StaffSignInPage.Wanted(http))
            {
                await StaffSignInPage.WriteAsync(http, StatusCodes.Status401Unauthorized,
                    error == ErrorCatalogue.Unauthorized ? null : "Your sign-in has ended; sign in again.");
                return;
            }
            await ProblemWriter.WriteAsync(http, error);
        },
    };
}

/// <summary>
/// The caller's own account as this request's session check read it. An owner's read of the account answers from it:
/// it is the grain's state at this request, not a cache kept across requests.
/// </summary>
public static class SessionAccount
{
    private static readonly object Key = new();

    public static void Remember(HttpContext http, AccountView view) => http.Items[Key] = view;

    /// <summary>The account read by this request's session check, when the caller owns <paramref name="idNumber"/>.</summary>
    public static AccountView? ThisRequest(HttpContext http, string idNumber) =>
        http.Items.TryGetValue(Key, out var value) && value is AccountView view && view.IdNumber == idNumber ? view : null;
}
