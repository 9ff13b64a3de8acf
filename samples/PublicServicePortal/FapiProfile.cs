// The portal's FAPI 2.0 profile (Portal:Profile = "fapi"): what a bank's portal does to sign citizens in with VNeID.
// Every authorization request is pushed first (PAR, required); the portal authenticates with private_key_jwt (a JWT
// signed by its own EC key, whose public half the provider holds); the token request carries a DPoP proof of a key the
// portal makes at start, so the tokens it receives are bound to that key. The provider signs its tokens ES256.
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

static class FapiProfile
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Switches the OpenID Connect handler to FAPI 2.0 with the portal's private key (a PEM file: Portal:SigningKey).</summary>
    public static void Apply(OpenIdConnectOptions options, string clientId, string signingKeyFile)
    {
        var signing = ECDsa.Create();
        signing.ImportFromPem(File.ReadAllText(signingKeyFile));
        var clientKey = new ECDsaSecurityKey(signing);
        clientKey.KeyId = KeyId(clientKey);
        var proofKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));

        options.ClientSecret = null;
        options.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Require;
        options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256];
        options.BackchannelHttpHandler = new DPoPProofs(proofKey) { InnerHandler = new HttpClientHandler() };
        var previousPush = options.Events.OnPushAuthorization;
        options.Events.OnPushAuthorization = async context =>
        {
            var issuer = (await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted)).Issuer;
            context.ProtocolMessage.ClientAssertionType = AssertionType;
            context.ProtocolMessage.ClientAssertion = Assertion(clientKey, clientId, issuer);
            context.HandleClientAuthentication();
            await previousPush(context);
        };
        var previousCode = options.Events.OnAuthorizationCodeReceived;
        options.Events.OnAuthorizationCodeReceived = async context =>
        {
            var issuer = (await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted)).Issuer;
            context.TokenEndpointRequest!.ClientAssertionType = AssertionType;
            context.TokenEndpointRequest.ClientAssertion = Assertion(clientKey, clientId, issuer);
            await previousCode(context);
        };
    }

    /// <summary>The key id the provider knows the portal's key by: its RFC 7638 thumbprint.</summary>
    public static string KeyId(ECDsaSecurityKey key) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());

    /// <summary>A private_key_jwt client assertion: for the issuer, explicitly typed, short-lived, single use.</summary>
    private static string Assertion(ECDsaSecurityKey key, string clientId, string issuer)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId, Audience = issuer, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(1),
            TokenType = "client-authentication+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>Adds a DPoP proof (RFC 9449) to each POST the handler makes to the provider (PAR and token requests).</summary>
    private sealed class DPoPProofs(ECDsaSecurityKey key) : DelegatingHandler
    {
        private readonly Dictionary<string, object> _publicJwk = PublicJwk(key);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri is { } uri)
            {
                var now = DateTime.UtcNow;
                var proof = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    TokenType = "dpop+jwt", IssuedAt = now,
                    AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = _publicJwk },
                    Claims = new Dictionary<string, object>
                    {
                        ["htm"] = "POST", ["htu"] = uri.GetLeftPart(UriPartial.Path), ["jti"] = Guid.NewGuid().ToString("N"),
                    },
                    SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
                });
                request.Headers.Remove("DPoP");
                request.Headers.Add("DPoP", proof);
            }
            return base.SendAsync(request, cancellationToken);
        }

        private static Dictionary<string, object> PublicJwk(ECDsaSecurityKey key)
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
            return new Dictionary<string, object> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y };
        }
    }
}
