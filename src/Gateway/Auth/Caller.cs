using System.Security.Claims;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>The authenticated caller as the account grain sees it.</summary>
public static class Caller
{
    public static Actor ToActor(this ClaimsPrincipal user) => new(
        user.IsInRole(Roles.Operator) ? ActorRole.Operator : user.IsInRole(Roles.Officer) ? ActorRole.Officer : ActorRole.Citizen,
        user.Identity?.Name ?? "");

    /// <summary>The office an officer's token names, or null.</summary>
    public static string? Office(this ClaimsPrincipal user) => user.FindFirstValue(TokenIssuer.OfficeClaim);

    /// <summary>A citizen may act only on their own account; officers and operators on any.</summary>
    public static bool MayActOn(this ClaimsPrincipal user, string idNumber) =>
        user.IsInRole(Roles.Officer) || user.IsInRole(Roles.Operator) ||
        (user.IsInRole(Roles.Citizen) && user.Identity?.Name == idNumber);
}
