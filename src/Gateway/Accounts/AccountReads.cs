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
    public static async Task<Results<Ok<T>, ProblemHttpResult>> ReadOwnAsync<T>(ClaimsPrincipal user, string idNumber, IClusterClient cluster,
        Func<ICitizenAccountGrain, Task<T?>> read) where T : class
    {
        if (!user.MayActOn(idNumber)) return ProblemWriter.NotYours();
        return await read(cluster.Account(idNumber)) is { } value ? TypedResults.Ok(value) : ProblemWriter.Result(ErrorCatalogue.AccountNotFound);
    }
}
