using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.IdentityProvider;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The authorize flow's decisions, apart from any request: whether the citizen must sign in (again), which level the
/// relying party needs, whether the phone on record must prove itself with a code, and which level the sign-in met.
/// </summary>
public static class AuthorizeRules
{
    /// <summary>
    /// The sign-in there is too old for this request: the relying party asks for a new one (prompt=login), or it is older
    /// than max_age (OpenID Connect Core §3.1.2.1). After signing in again the citizen comes back without prompt=login and
    /// with <paramref name="signedInAfter"/>, the time the sign-in must follow.
    /// </summary>
    public static bool Stale(long authTime, long? signedInAfter, bool promptLogin, long? maxAge, long now) =>
        signedInAfter is { } mustFollow ? authTime < mustFollow : promptLogin || (maxAge is { } age && now - authTime > age);

    /// <summary>A sign-in is needed when there is none (or its account session ended), or the one there is stale.</summary>
    public static bool SignInNeeded(AccountView? session, long authTime, long? signedInAfter, bool promptLogin, long? maxAge, long now) =>
        session is null || Stale(authTime, signedInAfter, promptLogin, maxAge, now);

    /// <summary>The level the relying party needs: its registered minimum, or 2 when the request asks for it by acr_values.</summary>
    public static int RequiredLevel(OpenIddictApplicationDescriptor client, IEnumerable<string> acrValues)
    {
        var minimum = client.Properties.TryGetValue(RelyingParties.MinimumLevelProperty, out var min) ? min.GetInt32() : 1;
        return Math.Max(minimum, acrValues.Contains(Assurance.Level2) ? 2 : 1);
    }

    /// <summary>
    /// A second factor (a code to the phone on record) is needed when level 2 is asked for, or when the account's risk rule
    /// advised it at this sign-in (wrong passwords since the last one), unless the sign-in already proved two factors (a
    /// code after the password, or a passkey with user verification).
    /// </summary>
    public static bool CodeNeeded(int requiredLevel, ClaimsPrincipal citizen) =>
        (requiredLevel == 2 || citizen.HasClaim(ProviderSignIn.CodeAdvisedClaim, "true")) && !ProviderSignIn.HasSecondFactor(citizen);

    /// <summary>
    /// The level this authentication met for this request: level 2 only when it was asked for, the account has it and the
    /// sign-in proved two factors (the password and a code to the phone on record, or a passkey with user verification);
    /// a password alone is level 1 whatever the account's level.
    /// </summary>
    public static string Acr(int requiredLevel, AccountLevel accountLevel, ClaimsPrincipal citizen) =>
        requiredLevel == 2 && accountLevel == AccountLevel.Level2 && ProviderSignIn.HasSecondFactor(citizen) ? Assurance.Level2 : Assurance.Level1;

    /// <summary>The time of the citizen's sign-in (<c>auth_time</c>), 0 when unknown.</summary>
    public static long AuthTime(ClaimsPrincipal? citizen) =>
        long.TryParse(citizen?.FindFirst(Claims.AuthenticationTime)?.Value, CultureInfo.InvariantCulture, out var at) ? at : 0;
}
