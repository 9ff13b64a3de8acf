using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Silo;

/// <summary><c>vneid-silo clients add|list|remove</c>: the relying parties the OpenID Connect provider serves.</summary>
internal static class RelyingPartyCommands
{
    public static Command Build(Func<Func<string, Task<int>>, Task<int>> asOwner)
    {
        var clients = new Command("clients", "Register, list and remove the relying parties of the OpenID Connect provider.");

        var clientId = new Option<string>("--client-id") { Description = "The relying party's client id.", Required = true };
        var name = new Option<string>("--name") { Description = "Its name, shown to the citizen on the consent page.", Required = true };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "An exact redirect URI (repeat for more).", Required = true, AllowMultipleArgumentsPerToken = true };
        var postLogout = new Option<string[]>("--post-logout-uri") { Description = "An exact post-logout redirect URI (repeat for more).", AllowMultipleArgumentsPerToken = true };
        var scopes = new Option<string[]>("--scope") { Description = $"A scope it may ask for: {string.Join(", ", RelyingParties.KnownScopes)} (repeat for more).", AllowMultipleArgumentsPerToken = true };
        var minimumLevel = new Option<int>("--min-level") { Description = "The lowest account level it accepts (1 or 2).", DefaultValueFactory = _ => 1 };
        var backchannel = new Option<string?>("--backchannel-logout-uri") { Description = "Where logout tokens are posted when the citizen's sessions end." };
        var securityEvents = new Option<string?>("--security-events-uri")
            { Description = "Where security event tokens (account disabled/enabled, session revoked, credential and level changes) are pushed (RFC 8935)." };
        var isPublic = new Option<bool>("--public") { Description = "A public client (no secret; PKCE alone)." };
        var seesId = new Option<bool>("--sees-id-number") { Description = "It receives the ID number as the subject (otherwise a pairwise subject)." };
        var fapi = new Option<bool>("--fapi")
            { Description = "Hold it to the FAPI 2.0 Security Profile: pushed authorization requests, private_key_jwt (needs --jwks), DPoP-bound tokens, ES256 tokens." };
        var jwks = new Option<string?>("--jwks")
            { Description = "Its public keys for private_key_jwt: a JWKS document, or the path of a file holding one (then no secret is issued)." };
        var delegation = new Option<bool>("--accepts-delegation")
            { Description = "It takes a parent's sign-in on behalf of a child under 14: the child is the subject, the parent the actor (act)." };
        var add = new Command("add", "Register a relying party; a confidential client's secret is printed once.")
            { clientId, name, redirect, postLogout, scopes, minimumLevel, backchannel, securityEvents, isPublic, seesId, fapi, jwks, delegation };
        add.SetAction(async (parse, cancel) => await asOwner(owner => WithRelyingParties(owner, async parties =>
        {
            try
            {
                var secret = await parties.AddAsync(new RelyingParty(
                    parse.GetValue(clientId)!, parse.GetValue(name)!, !parse.GetValue(isPublic), parse.GetValue(redirect) ?? [],
                    parse.GetValue(postLogout) ?? [], parse.GetValue(scopes) ?? [], parse.GetValue(minimumLevel),
                    parse.GetValue(backchannel), parse.GetValue(seesId), parse.GetValue(securityEvents), parse.GetValue(fapi),
                    parse.GetValue(jwks) is { } keys && !keys.TrimStart().StartsWith('{') ? await File.ReadAllTextAsync(keys, cancel) : parse.GetValue(jwks),
                    parse.GetValue(delegation)), cancel);
                Console.WriteLine(secret is not null
                    ? $"Registered {parse.GetValue(clientId)}. Its secret, shown this once: {secret}"
                    : parse.GetValue(jwks) is not null
                        ? $"Registered {parse.GetValue(clientId)} (private_key_jwt{(parse.GetValue(fapi) ? ", FAPI 2.0" : "")})."
                        : $"Registered {parse.GetValue(clientId)} (public client).");
                return 0;
            }
            catch (Exception refused) when (refused is ArgumentException or InvalidOperationException or UriFormatException or IOException)
            {
                Console.Error.WriteLine(refused.Message);
                return 2;
            }
        })));

        var list = new Command("list", "List the registered relying parties.");
        list.SetAction(async (_, cancel) => await asOwner(owner => WithRelyingParties(owner, async parties =>
        {
            foreach (var party in await parties.ListAsync(cancel))
                Console.WriteLine($"{party.ClientId}\t{party.DisplayName}\t{(party.Confidential ? "confidential" : "public")}\tlevel ≥ {party.MinimumLevel}\t" +
                                  $"scopes {string.Join(' ', party.Scopes)}\tredirect {string.Join(' ', party.RedirectUris)}\t" +
                                  $"backchannel {party.BackchannelLogoutUri ?? "-"}\tsecurity events {party.SecurityEventsUri ?? "-"}\tsubject {(party.SeesIdNumber ? "id-number" : "pairwise")}" +
                                  (party.AcceptsDelegation ? "\taccepts delegation" : ""));
            return 0;
        })));

        var removeId = new Option<string>("--client-id") { Description = "The relying party's client id.", Required = true };
        var remove = new Command("remove", "Remove a relying party.") { removeId };
        remove.SetAction(async (parse, cancel) => await asOwner(owner => WithRelyingParties(owner, async parties =>
        {
            var removed = await parties.RemoveAsync(parse.GetValue(removeId)!, cancel);
            Console.WriteLine(removed ? $"Removed {parse.GetValue(removeId)}." : $"No relying party {parse.GetValue(removeId)}.");
            return removed ? 0 : 1;
        })));

        var portalUrl = new Option<string>("--portal-url") { Description = "The sample portal's base URL.", DefaultValueFactory = _ => "http://localhost:8081" };
        var secretFile = new Option<string>("--secret-file") { Description = "Where its secret, or its private key with --fapi, is kept (0600).", Required = true };
        var sampleFapi = new Option<bool>("--fapi") { Description = "Register it for the FAPI 2.0 profile: a new EC key (the private half to --secret-file), PAR, DPoP." };
        var sample = new Command("add-sample",
            "Register the sample portal (samples/PublicServicePortal) unless it and its secret file are both there, in the profile asked for; " +
            "the secret (or, with --fapi, the private key) goes to the file.")
            { portalUrl, secretFile, sampleFapi };
        sample.SetAction(async (parse, cancel) => await asOwner(owner => WithRelyingParties(owner, async parties =>
        {
            var file = parse.GetValue(secretFile)!;
            var url = parse.GetValue(portalUrl)!.TrimEnd('/');
            var fapiProfile = parse.GetValue(sampleFapi);
            var registered = (await parties.ListAsync(cancel)).FirstOrDefault(p => p.ClientId == SamplePortal.ClientId);
            if (registered is not null && File.Exists(file) && registered.RedirectUris.Contains($"{url}/signin-oidc") &&
                registered.SecurityEventsUri == $"{url}/security-events" && registered.Fapi == fapiProfile && registered.AcceptsDelegation &&
                registered.Scopes.Contains(RelyingParties.OrganisationScope))
            {
                Console.WriteLine($"The sample portal {SamplePortal.ClientId} is registered ({(fapiProfile ? "FAPI 2.0" : "OpenID Connect")}).");
                return 0;
            }
            if (registered is not null) await parties.RemoveAsync(SamplePortal.ClientId, cancel);
            string kept;
            if (fapiProfile)
            {
                // The portal's own key: the provider keeps the public half, the portal the private one.
                using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
                await parties.AddAsync(SamplePortal.At(url) with { Fapi = true, Jwks = SamplePortal.PublicJwks(key) }, cancel);
                kept = key.ExportECPrivateKeyPem();
            }
            else kept = (await parties.AddAsync(SamplePortal.At(url), cancel))!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, kept, cancel);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Console.WriteLine($"Registered the sample portal {SamplePortal.ClientId} at {url} ({(fapiProfile ? "FAPI 2.0; its private key" : "its secret")} is in {file}).");
            return 0;
        })));

        var logouts = new Command("logouts", "Back-channel logouts not yet delivered: the relying party, attempts, the next attempt and the last error.");
        logouts.SetAction(async (_, cancel) => await asOwner(async owner =>
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(owner);
            await using var command = dataSource.CreateCommand(
                "select delivery_id, client_id, attempts, next_attempt_at, coalesce(last_error, '-') from oidc.logout_deliveries " +
                "where delivered_at is null order by delivery_id");
            await using var reader = await command.ExecuteReaderAsync(cancel);
            var count = 0;
            while (await reader.ReadAsync(cancel))
            {
                count++;
                Console.WriteLine($"{reader.GetInt64(0)}	{reader.GetString(1)}	attempts {reader.GetInt32(2)}	next {reader.GetDateTime(3):u}	{reader.GetString(4)}");
            }
            Console.WriteLine($"{count} back-channel logout(s) waiting.");
            return 0;
        }));

        clients.Subcommands.Add(add);
        clients.Subcommands.Add(sample);
        clients.Subcommands.Add(logouts);
        clients.Subcommands.Add(list);
        clients.Subcommands.Add(remove);
        return clients;
    }

    /// <summary>Runs <paramref name="command"/> with the relying-party registry on the owner's connection.</summary>
    private static async Task<int> WithRelyingParties(string connectionString, Func<RelyingParties, Task<int>> command)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOidcStore(connectionString, development: Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") == "Development");
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        return await command(scope.ServiceProvider.GetRequiredService<RelyingParties>());
    }
}

/// <summary>The sample relying party Development registers: samples/PublicServicePortal.</summary>
internal static class SamplePortal
{
    public const string ClientId = "public-service-portal";

    public static RelyingParty At(string url) => new(ClientId, "Cổng dịch vụ công (mẫu)", Confidential: true,
        [$"{url}/signin-oidc"], [$"{url}/signout-callback-oidc"], ["profile", "phone", "email", "vneid_level", RelyingParties.OrganisationScope], MinimumLevel: 1,
        $"{url}/backchannel-logout", SeesIdNumber: false, SecurityEventsUri: $"{url}/security-events", AcceptsDelegation: true);

    /// <summary>The JWKS of a key's public half, its kid the RFC 7638 thumbprint (as the portal names it in its assertions).</summary>
    public static string PublicJwks(System.Security.Cryptography.ECDsa key)
    {
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key));
        var kid = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = "sig", alg = "ES256" } },
        });
    }
}
