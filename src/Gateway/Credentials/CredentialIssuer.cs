using Orleans.VNeID.ServiceDefaults;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// A holder's request for a credential (OpenID for Verifiable Credential Issuance 1.0, §8.2): the e-ID, or one of the
/// wallet's papers named by its number (<see cref="CredentialIdentifier"/>).
/// </summary>
public sealed record CredentialRequest(string? CredentialConfigurationId, CredentialProof? Proof, string? CredentialIdentifier = null);

/// <summary>The holder's proof of its key: a JWT of type <c>openid4vci-proof+jwt</c> with the issuer's nonce.</summary>
public sealed record CredentialProof(string? ProofType, string? Jwt);

public sealed record CredentialNonce(string CNonce);

public sealed record IssuedCredential(string Credential);

/// <summary>
/// The credential issuer of level 2 (issue 29): the e-ID as an SD-JWT VC (every claim selectively disclosable, the
/// holder's key in <c>cnf</c>, its entry in a Token Status List), issuer metadata for wallets and verifiers, and the
/// status lists. The app holds the credential (the citizen's access token, a proof of the app's key).
/// </summary>
public static class CredentialIssuer
{
    public const string EidConfiguration = "vn.vneid.eid";
    public const string ProofType = "openid4vci-proof+jwt";

    public static WebApplicationBuilder AddCredentialIssuer(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.Read<Orleans.VNeID.Gateway.IdentityProvider.OidcOptions>().Enabled) return builder;
        var options = builder.Configuration.Read<CredentialOptions>();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(new CredentialKeys(options, builder.Environment.IsDevelopment()));
        builder.Services.AddSingleton<CredentialNonces>();
        builder.Services.AddSingleton<CredentialStatusStore>();
        return builder;
    }

    public static WebApplication MapCredentialIssuer(this WebApplication app)
    {
        if (!app.Configuration.Read<Orleans.VNeID.Gateway.IdentityProvider.OidcOptions>().Enabled) return app;
        app.MapGet("/.well-known/openid-credential-issuer", IssuerMetadata).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/.well-known/jwt-vc-issuer", (IOptions<OidcOptions> oidc, CredentialKeys keys) =>
                TypedResults.Ok(new Dictionary<string, object> { ["issuer"] = Issuer(oidc.Value), ["jwks"] = new { keys = keys.Jwks() } }))
            .ExcludeFromDescription().AllowAnonymous();
        // Discovery documents and status lists are served beside the API, like the provider's discovery: not in its description.
        app.MapGet("/status-lists/{listId:int}", StatusListAsync).ExcludeFromDescription().AllowAnonymous();
        app.MapPost("/api/v1/credentials/nonce", (CredentialNonces nonces) => TypedResults.Ok(new CredentialNonce(nonces.Issue())))
            .WithTags("Credentials").WithName("CredentialNonce").WithSummary("A fresh nonce for the holder's key proof (single use, 5 minutes)")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.PerAddress).AllowAnonymous();
        app.MapPost("/api/v1/accounts/{idNumber}/credentials", IssueAsync).WithTags("Credentials")
            .WithName("IssueCredential")
            .WithSummary("Issue the e-ID of a level-2 account, or one of its wallet's papers, as an SD-JWT VC bound to the holder's key (owner)")
            .WithDescription("The body names the credential configuration — vn.vneid.eid, or a paper's (vn.vneid.driving_licence, vn.vneid.vehicle_registration, vn.vneid.social_insurance, vn.vneid.health_insurance_card) with credentialIdentifier the paper's number — and proves the holder's key: a JWT of type openid4vci-proof+jwt, ES256, its public key in the jwk header, audience the issuer, with a nonce from POST /api/v1/credentials/nonce. Every claim is selectively disclosable; the credential's entry in the status list is suspended while the account is locked, and a paper's reads invalid once its register revokes it or it expires. A paper the wallet does not hold answers 422 document_not_registered.")
            .ProducesProblems(400, 401, 403, 409, 422, 503)
            .RequireAuthorization(Policies.Citizen);
        return app;
    }

    /// <summary>The credential issuer's identifier: the provider's issuer.</summary>
    public static string Issuer(OidcOptions oidc) => oidc.IssuerUri.AbsoluteUri.TrimEnd('/');

    public static string Vct(OidcOptions oidc) => Issuer(oidc) + "/credentials/eid";

    private static Ok<Dictionary<string, object>> IssuerMetadata(IOptions<OidcOptions> oidc)
    {
        var issuer = Issuer(oidc.Value);
        var configurations = new Dictionary<string, object>
        {
            [EidConfiguration] = ConfigurationMetadata(Vct(oidc.Value), "Căn cước điện tử (định danh điện tử mức độ 2)", "Electronic ID (level 2)"),
        };
        foreach (var (id, paper) in PaperCredentials.Configurations) configurations[id] = ConfigurationMetadata(PaperCredentials.Vct(oidc.Value, paper.Path), paper.Vi, paper.En);
        return TypedResults.Ok(new Dictionary<string, object>
        {
            ["credential_issuer"] = issuer,
            ["authorization_servers"] = new[] { issuer },
            ["credential_endpoint"] = issuer + "/api/v1/accounts/{idNumber}/credentials",
            ["nonce_endpoint"] = issuer + "/api/v1/credentials/nonce",
            ["display"] = new[] { new { name = "VNeID — Bộ Công an", locale = "vi" }, new { name = "VNeID — Ministry of Public Security", locale = "en" } },
            ["credential_configurations_supported"] = configurations,
        });
    }

    /// <summary>A credential configuration as wallets read it: SD-JWT VC, bound to a JWK the holder proves with ES256.</summary>
    private static Dictionary<string, object> ConfigurationMetadata(string vct, string vi, string en) => new()
    {
        ["format"] = SdJwt.Type,
        ["vct"] = vct,
        ["cryptographic_binding_methods_supported"] = new[] { "jwk" },
        ["credential_signing_alg_values_supported"] = new[] { "ES256" },
        ["proof_types_supported"] = new { jwt = new { proof_signing_alg_values_supported = new[] { "ES256" } } },
        ["display"] = new[] { new { name = vi, locale = "vi" }, new { name = en, locale = "en" } },
    };

    private static async Task<IResult> StatusListAsync(int listId, CredentialStatusStore store, CredentialKeys keys, IOptions<OidcOptions> oidc,
        IOptions<CredentialOptions> options, TimeProvider clock, HttpContext http)
    {
        if (listId != CredentialStatusStore.ListId) return ProblemWriter.Result(ErrorCatalogue.NotFound, "There is no such status list.");
        var now = clock.GetUtcNow();
        var statuses = await store.ReadAsync(listId, VietnamTime.Today(clock));
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "statuslist+jwt",
            SigningCredentials = keys.Credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = StatusListUri(oidc.Value, listId),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = (now + TimeSpan.FromDays(1)).ToUnixTimeSeconds(),
                ["ttl"] = (long)options.Value.StatusListTtl.TotalSeconds,
                ["status_list"] = new Dictionary<string, object> { ["bits"] = StatusList.Bits, ["lst"] = StatusList.Encode(CredentialStatusStore.ListSize, statuses) },
            },
        });
        http.Response.Headers.CacheControl = $"public, max-age={(int)options.Value.StatusListTtl.TotalSeconds}";
        return Results.Text(token, "application/statuslist+jwt");
    }

    public static string StatusListUri(OidcOptions oidc, int listId) => $"{Issuer(oidc)}/status-lists/{listId}";

    private static async Task<Results<Ok<IssuedCredential>, ProblemHttpResult>> IssueAsync(string idNumber, CredentialRequest request, ClaimsPrincipal user,
        HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        var (credential, refused) = request.CredentialConfigurationId switch
        {
            EidConfiguration => await IssueEidAsync(http, idNumber, request.Proof),
            { } paper when PaperCredentials.Configurations.ContainsKey(paper) => await PaperCredentials.IssueAsync(http, idNumber, paper, request.CredentialIdentifier, request.Proof),
            _ => (null, ErrorCatalogue.ValidationFailed),
        };
        return credential is not null ? TypedResults.Ok(new IssuedCredential(credential)) : ProblemWriter.Result(refused!);
    }

    /// <summary>
    /// The e-ID of the level-2 account <paramref name="idNumber"/> (its owner authenticated by the caller: the app's token or
    /// the console's sign-in), bound to the key <paramref name="proof"/> proves; or why not.
    /// </summary>
    public static async Task<(string? Credential, KnownError? Refused)> IssueEidAsync(HttpContext http, string idNumber, CredentialProof? proof)
    {
        var (holder, refused) = await HolderAsync(http, idNumber, proof);
        if (holder is null) return (null, refused);
        var (view, wallet) = (holder.View, holder.Wallet);
        var cluster = http.RequestServices.GetRequiredService<IClusterClient>();
        var profile = await cluster.Account(idNumber).GetProfileAsync();
        var card = wallet.FirstOrDefault(d => d.Kind == DocumentKind.IdCard);
        var today = VietnamTime.Today(http.RequestServices.GetRequiredService<TimeProvider>());
        var id = IdentityNumber.Parse(idNumber);
        var disclosable = new Dictionary<string, object?>
        {
            ["id_number"] = idNumber,
            ["full_name"] = view.FullName,
            ["birthdate"] = view.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["gender"] = view.Gender == Gender.Male ? "male" : "female",
            ["nationality"] = id.IsCitizen ? "VN" : profile?.Fields.FirstOrDefault(f => f.Name == "nationality")?.Value,
            ["age_over_14"] = VietnamTime.AgeOn(view.DateOfBirth, today) >= 14,
            ["age_over_18"] = VietnamTime.AgeOn(view.DateOfBirth, today) >= 18,
            ["level"] = 2,
            ["portrait"] = SyntheticPortrait.DataUrl(idNumber, view.Gender == Gender.Male),
        };
        if (card is not null)
        {
            disclosable["card_number"] = card.Number;
            if (card.ValidUntil is { } validUntil) disclosable["card_valid_until"] = validUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return (await SignAsync(http, holder, EidConfiguration, Vct(http.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value), disclosable, card?.ValidUntil), null);
    }

    /// <summary>The holder proven and its level-2 account read: who the credential is for and what it may state.</summary>
    internal sealed record Holder(string IdNumber, Dictionary<string, object> Key, AccountView View, IReadOnlyList<IntegratedDocument> Wallet, DateTimeOffset Now);

    /// <summary>
    /// The holder's key (from its proof) and the level-2 account of <paramref name="idNumber"/> (its owner authenticated by
    /// the caller: the app's token or the console's sign-in); or why not.
    /// </summary>
    internal static async Task<(Holder? Holder, KnownError? Refused)> HolderAsync(HttpContext http, string idNumber, CredentialProof? proof)
    {
        var services = http.RequestServices;
        var cluster = services.GetRequiredService<IClusterClient>();
        var clock = services.GetRequiredService<TimeProvider>();
        var issuer = Issuer(services.GetRequiredService<IOptions<OidcOptions>>().Value);
        if (await HolderKeyAsync(proof, issuer, services.GetRequiredService<CredentialNonces>(), clock, cluster) is not { } key)
            return (null, ErrorCatalogue.CredentialProofInvalid);
        var view = SessionAccount.ThisRequest(http, idNumber) ?? await cluster.Account(idNumber).GetAsync();
        var wallet = view?.Level == AccountLevel.Level2 ? (await cluster.Account(idNumber).GetWalletAsync()).Value : null;
        if (view is null || wallet is null) return (null, ErrorCatalogue.Level2Required);
        return (new Holder(idNumber, key, view, wallet, clock.GetUtcNow()), null);
    }

    /// <summary>
    /// The SD-JWT VC of <paramref name="disclosable"/> for <paramref name="holder"/>: valid for the configured lifetime, never
    /// past <paramref name="until"/>, with an entry of its own in the status list (naming the paper, for a paper's credential).
    /// </summary>
    internal static async Task<string> SignAsync(HttpContext http, Holder holder, string configuration, string vct, IReadOnlyDictionary<string, object?> disclosable,
        DateOnly? until, (DocumentKind, string)? paper = null)
    {
        var services = http.RequestServices;
        var oidc = services.GetRequiredService<IOptions<OidcOptions>>().Value;
        var expires = holder.Now + services.GetRequiredService<IOptions<CredentialOptions>>().Value.Lifetime;
        if (until?.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc) is { } end && end < expires) expires = end;
        var (listId, index) = await services.GetRequiredService<CredentialStatusStore>().AllocateAsync(holder.IdNumber, configuration, holder.Now, expires, paper);
        var always = new Dictionary<string, object?>
        {
            ["iss"] = Issuer(oidc),
            ["vct"] = vct,
            ["iat"] = holder.Now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["cnf"] = new Dictionary<string, object> { ["jwk"] = holder.Key },
            ["status"] = new Dictionary<string, object>
            {
                ["status_list"] = new Dictionary<string, object> { ["idx"] = index, ["uri"] = StatusListUri(oidc, listId) },
            },
        };
        return SdJwt.Issue(always, disclosable, services.GetRequiredService<CredentialKeys>().Credentials);
    }

    /// <summary>
    /// The holder's public key from its proof: a JWT of type openid4vci-proof+jwt, ES256, signed by the key in its jwk
    /// header, for this issuer, made moments ago, with a nonce of this issuer's that was not used before.
    /// </summary>
    private static async Task<Dictionary<string, object>?> HolderKeyAsync(CredentialProof? proof, string issuer, CredentialNonces nonces, TimeProvider clock,
        IClusterClient cluster)
    {
        if (proof is not { ProofType: "jwt", Jwt: { Length: > 0 and <= 4096 } jwt }) return null;
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(jwt)) return null;
        var token = handler.ReadJsonWebToken(jwt);
        if (token.Typ != ProofType || token.Alg != SecurityAlgorithms.EcdsaSha256 || !token.TryGetHeaderValue<Dictionary<string, object>>("jwk", out var jwkMembers))
            return null;
        JsonWebKey key;
        try
        {
            key = new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(jwkMembers));
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (key.Kty != "EC" || key.Crv != "P-256" || key.HasPrivateKey) return null;
        var result = await handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidAudience = issuer,
            ValidateIssuer = false,
            RequireExpirationTime = false,
            IssuerSigningKey = key,
            ValidTypes = [ProofType],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        if (!result.IsValid || !token.TryGetPayloadValue<long>("iat", out long iat)) return null;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (iat > now + 60 || iat < now - 300) return null;
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !await nonces.SpendAsync(nonce, cluster)) return null;
        return new Dictionary<string, object> { ["kty"] = key.Kty, ["crv"] = key.Crv, ["x"] = key.X, ["y"] = key.Y };
    }
}
