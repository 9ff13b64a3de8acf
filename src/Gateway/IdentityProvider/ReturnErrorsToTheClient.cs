using OpenIddict.Server;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>Sends an authorization error to the client's redirect URI when the client and the URI are registered together.</summary>
internal sealed class ReturnErrorsToTheClient(OpenIddict.Abstractions.IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ApplyAuthorizationResponseContext context)
    {
        if (context.RedirectUri is not null || context.Error is null || context.Request is not { ClientId: { } clientId, RedirectUri: { } redirectUri })
            return;
        if (await applications.FindByClientIdAsync(clientId) is not { } application) return;
        if (!await applications.ValidateRedirectUriAsync(application, redirectUri)) return;
        context.RedirectUri = redirectUri;
    }
}
