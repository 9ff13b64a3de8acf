using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// An officer's or operator's login with client id and secret, for the API (<c>POST /api/v1/service-tokens</c>) and the
/// operators' dashboard sign-in alike: the per-client budget (a guessed secret locks the client id for a while and
/// alerts operators, whatever the address), the same cost for an unknown client id, each attempt in the service
/// account's audit chain.
/// </summary>
public static class ServiceAccountLogIn
{
    // Verified against when the client id is unknown, so both answers cost the same hash.
    private static readonly string UnknownClientHash = new PasswordHasher<ServiceAccount>().HashPassword(new ServiceAccount(), Guid.NewGuid().ToString());

    /// <summary>The service account when the secret is right; otherwise the refusal to answer (401, or 429 while locked).</summary>
    public static async Task<(ServiceAccount? Account, ProblemHttpResult? Refusal)> VerifyAsync(
        string clientId, string secret, IReadOnlyDictionary<string, ServiceAccount> accounts, IClusterClient cluster, HttpContext http)
    {
        var staff = cluster.GetGrain<IStaffAccessGrain>(0);
        ProblemHttpResult LockedOut(TimeSpan wait) =>
            ProblemWriter.Refused(ErrorCatalogue.TooManyAttempts.Refuse("Too many wrong secrets for this client id: logins are refused for a while.", wait), http);
        if (await staff.LockedForAsync(clientId) is { } lockedFor) return (null, LockedOut(lockedFor));

        var hasher = new PasswordHasher<ServiceAccount>();
        var found = accounts.TryGetValue(clientId, out var account) && account.Role is Roles.Officer or Roles.Operator;
        var verdict = hasher.VerifyHashedPassword(account ?? new ServiceAccount(), found ? account!.SecretHash : UnknownClientHash, secret);
        var succeeded = found && verdict != PasswordVerificationResult.Failed;
        var lockedNow = await staff.RecordLoginAsync(clientId, found, succeeded, http.Connection.RemoteIpAddress?.ToString());
        if (succeeded) return (account, null);
        return (null, lockedNow is { } wait ? LockedOut(wait) : ProblemWriter.Result(ErrorCatalogue.InvalidCredentials, "The client id or the secret is wrong."));
    }

    /// <summary>A staff token: role, office when the account has one; revocable like every staff token.</summary>
    public static AccessToken Token(TokenIssuer issuer, string clientId, ServiceAccount account, TimeSpan? lifetime = null)
    {
        IEnumerable<Claim>? office = account.Office is { Length: > 0 } code ? [new Claim(TokenIssuer.OfficeClaim, code)] : null;
        return issuer.Issue(clientId, account.Role, office, lifetime);
    }
}
