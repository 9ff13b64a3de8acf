using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>Reads of one account shared by the account routes.</summary>
public static class AccountReads
{
    /// <summary>
    /// A read of one account by its owner, an officer or an operator: refused for another citizen, 404 when the grain
    /// has nothing to show.
    /// </summary>
    /// <param name="personalData">What personal data the read shows (for the audit), or null when it shows none.</param>
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ReadOwnAsync<T>(HttpContext http, string idNumber, IClusterClient cluster,
        Func<ICitizenAccountGrain, Task<T?>> read, string? personalData = null) where T : class
    {
        if (!http.User.MayActOn(idNumber)) return ProblemWriter.NotYours();
        var account = cluster.Account(idNumber);
        if (await StaffReadRefusedAsync(http, account, personalData) is { } refused) return refused;
        if (await read(account) is not { } value) return ProblemWriter.Result(ErrorCatalogue.AccountNotFound);
        return TypedResults.Ok(value);
    }

    /// <summary>The reason a staff member stated in <see cref="ReasonHeader"/> (at most 200 storable characters), or null.</summary>
    public static string? StatedReason(HttpContext http)
    {
        var stated = http.Request.Headers[ReasonHeader].ToString().Trim();
        return stated is { Length: > 0 and <= 200 } && Validation.StorableText.IsStorable(stated) ? stated : null;
    }

    /// <summary>The header in which a staff member states why they read a citizen's data outside the desk's ordinary work.</summary>
    public const string ReasonHeader = "X-Access-Reason";

    /// <summary>
    /// Staff access is accountable and bounded (<c>StaffAccessRule</c>): before an officer's or operator's read of personal
    /// data, the account decides and records it (with the stated reason, when there is one); the refusal, or null.
    /// </summary>
    public static async Task<ProblemHttpResult?> StaffReadRefusedAsync(HttpContext http, ICitizenAccountGrain account, string? personalData)
    {
        var user = http.User;
        if (personalData is null || !(user.IsInRole(Roles.Officer) || user.IsInRole(Roles.Operator))) return null;
        var recorded = await account.RecordStaffReadAsync(user.ToActor(), user.Office(), personalData, StatedReason(http));
        return recorded.Succeeded ? null : ProblemWriter.Refused(recorded.Error!, http);
    }
}
