using Orleans.VNeID.ServiceDefaults;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// An officer's or operator's login with client id, secret and the second factor's code, for the API
/// (<c>POST /api/v1/service-tokens</c>) and the operators' dashboard sign-in alike. Failures count per client id and source
/// address: a stranger's guesses lock out the stranger's address, never the officer at their own desk, and the secret
/// alone signs nobody in. An unknown client id costs the same hash; each attempt is in the service account's audit chain.
/// </summary>
public static class ServiceAccountLogIn
{
    // Verified against when the client id is unknown, so both answers cost the same hash.
    private static readonly string UnknownClientHash = new PasswordHasher<ServiceAccount>().HashPassword(new ServiceAccount(), Guid.NewGuid().ToString());
    private static readonly string UnknownClientTotp = OtpNet.Base32Encoding.ToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>The service account when the secret and the code are right; otherwise the refusal to answer (401, or 429 while locked).</summary>
    public static async Task<(ServiceAccount? Account, ProblemHttpResult? Refusal)> VerifyAsync(
        string clientId, string secret, string? code, IReadOnlyDictionary<string, ServiceAccount> accounts, IClusterClient cluster, HttpContext http)
    {
        var staff = cluster.GetGrain<IStaffAccessGrain>(0);
        var address = RateLimits.ClientAddress(http);
        ProblemHttpResult LockedOut(TimeSpan wait) =>
            ProblemWriter.Refused(ErrorCatalogue.TooManyAttempts.Refuse("Too many failed sign-ins for this client id from this address: they are refused for a while.", wait), http);
        if (await staff.LockedForAsync(clientId, address) is { } lockedFor) return (null, LockedOut(lockedFor));

        var hasher = new PasswordHasher<ServiceAccount>();
        var found = accounts.TryGetValue(clientId, out var account) && account.Role is Roles.Officer or Roles.Operator;
        var verdict = hasher.VerifyHashedPassword(account ?? new ServiceAccount(), found ? account!.SecretHash : UnknownClientHash, secret);
        var step = StaffSecondFactor.MatchedStep(found ? account!.TotpSecret : UnknownClientTotp, code, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        var refuseReplay = http.RequestServices.GetRequiredService<IConfiguration>().Read<StaffSignInSettings>().RefuseReplayedCodes;
        var outcome = await staff.RecordLoginAsync(new StaffLoginAttempt(clientId, found, found && verdict != PasswordVerificationResult.Failed, step, address, refuseReplay));
        if (outcome.Succeeded) return (account, null);
        return (null, outcome.LockedFor is { } wait ? LockedOut(wait)
            : ProblemWriter.Result(ErrorCatalogue.InvalidCredentials, "The client id, the secret or the code is wrong."));
    }

    /// <summary>A staff token: role, office when the account has one; revocable like every staff token.</summary>
    public static AccessToken Token(TokenIssuer issuer, string clientId, ServiceAccount account, TimeSpan? lifetime = null)
    {
        IEnumerable<Claim>? office = account.Office is { Length: > 0 } code ? [new Claim(TokenIssuer.OfficeClaim, code)] : null;
        return issuer.Issue(clientId, account.Role, office, lifetime);
    }
}
