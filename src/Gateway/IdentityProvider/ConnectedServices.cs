using Npgsql;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.IdentityProvider;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>A service the citizen allowed: what it receives and since when.</summary>
public sealed record ConnectedService(string ClientId, string Name, DateTimeOffset? Since, IReadOnlyList<string> Receives);

/// <summary>
/// The citizen's connected services (the consents remembered): listed, and withdrawn. Withdrawing revokes the
/// service's authorizations and every token they gave, records the withdrawal in the account's audit trail, sends the
/// service a back-channel logout for each session it holds, and stops its security events for the account.
/// </summary>
public static class ConnectedServices
{
    public static IEndpointRouteBuilder MapConnectedServices(this IEndpointRouteBuilder app)
    {
        var services = app.MapGroup("/api/v1/accounts/{idNumber}/services").WithTags("Accounts");
        services.MapGet("/", ListAsync)
            .WithName("ListConnectedServices")
            .WithSummary("The services the citizen allowed to receive their data, what each receives and since when (owner)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Citizen);
        services.MapDelete("/{clientId}", WithdrawAsync)
            .WithName("WithdrawConnectedService")
            .WithSummary("Withdraw the consent given to a service: its tokens stop at once and it is logged out (owner)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Citizen);
        return app;
    }

    public static async Task<Results<Ok<ConnectedService[]>, ProblemHttpResult>> ListAsync(string idNumber, ClaimsPrincipal user,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOptions<OidcOptions> oidc,
        CancellationToken cancellationToken)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        return TypedResults.Ok(await ListForAsync(idNumber, applications, authorizations, oidc.Value, cancellationToken));
    }

    /// <summary>The services the account's owner allowed (a remembered consent), by name.</summary>
    public static async Task<ConnectedService[]> ListForAsync(string idNumber, IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations, OidcOptions options, CancellationToken cancellationToken)
    {
        var connected = new List<ConnectedService>();
        // Read whole first: the store's context answers one query at a time.
        var all = new List<object>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken)) all.Add(application);
        foreach (var application in all)
        {
            var (client, applicationId, subject) = await ClientAsync(applications, application, options, idNumber, cancellationToken);
            var given = await ConsentRecords.GivenAsync(authorizations, applicationId, subject);
            if (given is null) continue;
            var since = await ConsentRecords.SinceAsync(authorizations, applicationId, subject);
            connected.Add(new ConnectedService(client.ClientId!, client.DisplayName ?? client.ClientId!, since, ConsentRecords.Describe(given)));
        }
        return [.. connected.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> WithdrawAsync(string idNumber, string clientId, ClaimsPrincipal user,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
        IOptions<OidcOptions> oidc, IClusterClient cluster, NpgsqlDataSource database, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        return await WithdrawForAsync(idNumber, clientId, applications, authorizations, tokens, oidc.Value, cluster, database, clock, cancellationToken)
            ? TypedResults.NoContent()
            : ProblemWriter.Result(Errors.ErrorCatalogue.NotFound, "You have not allowed this service.");
    }

    /// <summary>Withdraws the owner's consent from the service; false when none was given.</summary>
    public static async Task<bool> WithdrawForAsync(string idNumber, string clientId, IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, OidcOptions oidc, IClusterClient cluster,
        NpgsqlDataSource database, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application) return false;
        var (client, applicationId, subject) = await ClientAsync(applications, application, oidc, idNumber, cancellationToken);
        var revoked = 0;
        // Every authorization of this citizen at this service: the remembered consent and each sign-in's, with their tokens.
        var found = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, status: null, type: null, scopes: null, cancellationToken))
            found.Add(authorization);
        foreach (var authorization in found)
        {
            if (await authorizations.GetIdAsync(authorization, cancellationToken) is { } id)
                await tokens.RevokeByAuthorizationIdAsync(id, cancellationToken);
            if (await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken))
            {
                await authorizations.TryRevokeAsync(authorization, cancellationToken);
                revoked++;
            }
        }
        if (revoked == 0) return false;
        await RelyingPartyRecords.OweTokensRevokedAsync(database, idNumber, client.ClientId!, clock.GetUtcNow());
        await cluster.Account(idNumber).WithdrawServiceAsync(client.ClientId!, client.DisplayName ?? client.ClientId!);
        return true;
    }

    private static async Task<(OpenIddictApplicationDescriptor Client, string ApplicationId, string Subject)> ClientAsync(
        IOpenIddictApplicationManager applications, object application, OidcOptions options, string idNumber, CancellationToken cancellationToken)
    {
        var client = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(client, application, cancellationToken);
        return (client, (await applications.GetIdAsync(application, cancellationToken))!, ProviderClaims.Subject(options, client, idNumber));
    }
}
