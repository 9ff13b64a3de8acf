using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// A staff token is honoured only while it names a configured service account with the same role and office, and
/// while neither it nor every token of its account was revoked: checked on every request, not only at login.
/// </summary>
public static class StaffCheck
{
    public static async Task ValidateAsync(TokenValidatedContext context)
    {
        var user = context.Principal!;
        var http = context.HttpContext;
        var clientId = user.Identity?.Name;
        var accounts = http.RequestServices.GetRequiredService<IOptions<Dictionary<string, ServiceAccount>>>().Value;
        if (clientId is null || !accounts.TryGetValue(clientId, out var account) ||
            !user.IsInRole(account.Role) || account.Role is not (Roles.Officer or Roles.Operator) ||
            !string.Equals(user.Office() ?? "", account.Office ?? "", StringComparison.Ordinal))
        {
            http.Items[SessionCheck.FailureCode] = ErrorCatalogue.InvalidToken;
            context.Fail("The token names no configured service account.");
            return;
        }
        try
        {
            var tokenId = user.FindFirstValue(JwtRegisteredClaimNames.Jti) ?? "";
            var issuedAt = context.SecurityToken is JsonWebToken jwt ? new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero) : DateTimeOffset.MinValue;
            var staff = http.RequestServices.GetRequiredService<IClusterClient>().GetGrain<IStaffAccessGrain>(0);
            if (tokenId.Length == 0 || await staff.IsRevokedAsync(clientId, tokenId, issuedAt))
            {
                http.Items[SessionCheck.FailureCode] = ErrorCatalogue.TokenRevoked;
                context.Fail("This staff token was revoked.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            http.Items[SessionCheck.FailureCode] = ErrorCatalogue.ServiceUnavailable;
            context.Fail("The token could not be checked.");
        }
    }
}
