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
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ReadOwnAsync<T>(ClaimsPrincipal user, string idNumber, IClusterClient cluster,
        Func<ICitizenAccountGrain, Task<T?>> read, string? personalData = null) where T : class
    {
        if (!user.MayActOn(idNumber)) return ProblemWriter.NotYours();
        var account = cluster.Account(idNumber);
        if (await read(account) is not { } value) return ProblemWriter.Result(ErrorCatalogue.AccountNotFound);
        await RecordStaffReadAsync(user, account, personalData);
        return TypedResults.Ok(value);
    }

    /// <summary>Staff access is accountable: an officer's or operator's read of personal data is an event in the account's chain.</summary>
    public static Task RecordStaffReadAsync(ClaimsPrincipal user, ICitizenAccountGrain account, string? personalData) =>
        personalData is not null && (user.IsInRole(Roles.Officer) || user.IsInRole(Roles.Operator))
            ? account.RecordStaffReadAsync(user.ToActor(), user.Office(), personalData)
            : Task.CompletedTask;
}
