using Microsoft.Extensions.Options;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Sender-constrained tokens (DPoP, RFC 9449) and the FAPI 2.0 profile at the token and userinfo endpoints. A token
/// request with a DPoP proof gets an access token bound to the proof's key (<c>cnf.jkt</c>, type DPoP) and a refresh
/// token that only that key can use again; a FAPI 2.0 relying party must send one. Userinfo then wants the same key's
/// proof for that token.
/// </summary>
public static class FapiTokens
{
    /// <summary>On the sign-in's principal (kept in the code and the refresh token, never in a token a relying party reads): the client is held to FAPI 2.0.</summary>
    public const string ProfileClaim = "vneid_fapi";
    /// <summary>On the principal: the thumbprint of the key the refresh token is bound to.</summary>
    public const string BoundKeyClaim = "vneid_jkt";
    /// <summary>On the principal (in the code only): the key the authorization request bound the code to (<c>dpop_jkt</c>, RFC 9449 §10).</summary>
    public const string CodeKeyClaim = "vneid_code_jkt";
    public const string CodeKeyParameter = "dpop_jkt";
    /// <summary>Request items the token endpoint leaves for the token generation and response handlers.</summary>
    public const string ProfileItem = "vneid.fapi";
    /// <summary>The thumbprint of the key this request's access token is bound to.</summary>
    public const string BoundItem = "vneid.dpop";
    /// <summary>Request items userinfo reads: the access token came with the DPoP scheme, and the token itself.</summary>
    public const string SchemeItem = "vneid.dpop.scheme";
    public const string TokenItem = "vneid.dpop.token";

    /// <summary>Adds <c>cnf.jkt</c> to an access token being generated for a request whose proof bound it (RFC 9449 §6).</summary>
    public static void Confirm(OpenIddict.Server.OpenIddictServerEvents.GenerateTokenContext context, HttpContext? http)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && http?.Items[BoundItem] is string thumbprint && context.Principal is { } principal)
            ((ClaimsIdentity)principal.Identity!).SetClaim("cnf", JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["jkt"] = thumbprint }));
    }

    /// <summary>The URL of an endpoint as relying parties address it (the public issuer, TLS terminated in front).</summary>
    public static Uri Endpoint(OidcOptions options, string path) => new(options.IssuerUri, path);

    /// <summary>
    /// The token endpoint's part, after OpenIddict has authenticated the client and validated the grant: the DPoP proof
    /// checked (required of a FAPI 2.0 client), the refresh token's bound key matched, and the new tokens bound. Returns
    /// an OAuth error (code, description) when the request must be refused.
    /// </summary>
    public static async Task<(string Error, string Description)?> BindAsync(HttpContext http, ClaimsPrincipal principal, DPoPProofs proofs, OidcOptions options)
    {
        var fapi = principal.HasClaim(ProfileClaim, "true");
        var presented = http.Request.Headers[DPoPProofs.Header];
        if (presented.Count > 1) return (DPoPProofs.InvalidProof, "One DPoP proof per request.");
        string? thumbprint = null;
        if (presented.Count == 1 || fapi)
        {
            var verdict = await proofs.CheckAsync(presented.FirstOrDefault(), HttpMethods.Post, Endpoint(options, "connect/token"));
            if (verdict.Refusal is { } refusal) return (DPoPProofs.InvalidProof, refusal);
            thumbprint = verdict.Thumbprint;
        }
        var bound = principal.GetClaim(BoundKeyClaim);
        if (bound is not null && bound != thumbprint) return (OpenIddictConstants.Errors.InvalidGrant, "The refresh token is bound to another key.");
        if (http.GetOpenIddictServerRequest()?.IsAuthorizationCodeGrantType() == true && principal.GetClaim(CodeKeyClaim) is { } codeKey &&
            codeKey != thumbprint)
            return (OpenIddictConstants.Errors.InvalidGrant, "The code is bound to another DPoP key.");
        if (fapi) http.Items[ProfileItem] = true;
        if (thumbprint is null) return null;

        // The refresh token remembers the key (a claim with no destination); the access token gets cnf.jkt as it is generated.
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.SetClaim(BoundKeyClaim, thumbprint);
        identity.SetClaim(CodeKeyClaim, (string?)null);
        principal.SetDestinations(principal.GetDestinations().Remove(BoundKeyClaim));
        http.Items[BoundItem] = thumbprint;
        return null;
    }

    /// <summary>
    /// Userinfo's part: an access token bound to a key (<c>cnf.jkt</c>) is good only with the DPoP scheme and a fresh
    /// proof of that key for this request. Returns why it is refused, or null.
    /// </summary>
    public static async Task<string?> CheckBoundAsync(HttpContext http, ClaimsPrincipal principal, DPoPProofs proofs, OidcOptions options)
    {
        if (principal.GetClaim("cnf") is not { } cnf) return null;
        string? jkt;
        try
        {
            using var document = JsonDocument.Parse(cnf);
            jkt = document.RootElement.TryGetProperty("jkt", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            jkt = null;
        }
        if (jkt is null || http.Items[SchemeItem] is not true || http.Items[TokenItem] is not string token)
            return "This access token is bound to a key: present it with the DPoP scheme and a proof.";
        var presented = http.Request.Headers[DPoPProofs.Header];
        if (presented.Count != 1) return "One DPoP proof is needed.";
        var verdict = await proofs.CheckAsync(presented[0], http.Request.Method, Endpoint(options, "connect/userinfo"), token);
        if (verdict.Refusal is { } refusal) return refusal;
        return verdict.Thumbprint == jkt ? null : "The DPoP proof is of another key than the token's.";
    }

    /// <summary>
    /// Before OpenIddict reads userinfo's access token: a token sent with the DPoP scheme is handed on as a bearer
    /// token (OpenIddict reads only that scheme), and userinfo is told it came as DPoP.
    /// </summary>
    public static IApplicationBuilder UseDPoPAccessTokens(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/connect/userinfo") &&
            http.Request.Headers.Authorization.FirstOrDefault() is { } authorization &&
            authorization.StartsWith(DPoPProofs.Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[(DPoPProofs.Scheme.Length + 1)..].Trim();
            http.Items[SchemeItem] = true;
            http.Items[TokenItem] = token;
            http.Request.Headers.Authorization = "Bearer " + token;
        }
        await next(http);
    });

    /// <summary>
    /// A pushed authorization request with a DPoP proof binds the code to the proof's key (RFC 9449 §10): the proof is
    /// checked as at the token endpoint, and its thumbprint becomes the request's <c>dpop_jkt</c> (one sent with it must match).
    /// </summary>
    public sealed class BindPushedRequest(DPoPProofs proofs, IOptions<OidcOptions> options)
        : OpenIddict.Server.IOpenIddictServerHandler<OpenIddict.Server.OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext>
    {
        public async ValueTask HandleAsync(OpenIddict.Server.OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext context)
        {
            var http = context.Transaction.GetHttpRequest()?.HttpContext;
            var presented = http?.Request.Headers[DPoPProofs.Header] ?? default;
            var asked = context.Request.GetParameter(CodeKeyParameter)?.ToString();
            if (presented.Count == 0) return;
            if (presented.Count > 1)
            {
                context.Reject(DPoPProofs.InvalidProof, "One DPoP proof per request.");
                return;
            }
            var verdict = await proofs.CheckAsync(presented[0], HttpMethods.Post, Endpoint(options.Value, "connect/par"));
            if (verdict.Refusal is { } refusal) context.Reject(DPoPProofs.InvalidProof, refusal);
            else if (asked is not null && asked != verdict.Thumbprint) context.Reject(DPoPProofs.InvalidProof, "dpop_jkt names another key than the proof's.");
            else context.Request.SetParameter(CodeKeyParameter, verdict.Thumbprint);
        }
    }
}
