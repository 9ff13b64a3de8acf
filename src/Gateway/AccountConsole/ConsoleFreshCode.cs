using System.Security.Claims;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Accounts;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// A code to the phone on record, confirmed on this console session: what a console action asks first when it needs the
/// owner's phone to agree (a passkey added to a level-2 account, an organisation activated). Each answers the words a
/// page shows when it did not go through, or null when it did.
/// </summary>
public static class ConsoleFreshCode
{
    /// <summary>Sends a code to the phone on record.</summary>
    public static async Task<string?> SendAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var sent = await cluster.Account(AccountOf(user)!).RequestSignInCodeAsync(SessionOf(user)!);
        return sent.Succeeded ? null : Refusal(http, sent.Error!);
    }

    /// <summary>Confirms the code the form carries (field <c>code</c>) on this session.</summary>
    public static async Task<string?> ConfirmAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var code = http.Request.Form["code"].ToString().Trim();
        if (!OneTimeCode.IsWellFormed(code)) return T(http, "Mã xác thực gồm 6 chữ số.", "The code has 6 digits.");
        var confirmed = await cluster.Account(AccountOf(user)!).ConfirmSignInCodeAsync(SessionOf(user)!, code);
        return confirmed.Succeeded ? null : Refusal(http, confirmed.Error!);
    }
}
