using Orleans.VNeID.ServiceDefaults;
using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.IdentityProvider;

namespace Orleans.VNeID.Gateway.Passkeys;

/// <summary>What a passkey challenge is for; part of what its MAC covers, so one kind never passes for another.</summary>
public enum PasskeyPurpose : byte
{
    /// <summary>A sign-in with a passkey alone: bound to nothing (the passkey names the account).</summary>
    SignIn = 1,
    /// <summary>The second factor of a sign-in the password opened: bound to that account session.</summary>
    SecondFactor = 2,
    /// <summary>A new passkey: bound to the owner's session.</summary>
    Register = 3,
}

/// <summary>
/// The WebAuthn challenges of passkey ceremonies, and the relying party they are checked against. Stateless across
/// gateways: a challenge is its purpose, 16 random bytes and an expiry, with an HMAC over them and what it is bound to,
/// under a key derived (HKDF) from <c>Jwt:SigningKey</c>. The authenticator signs the challenge inside its client data,
/// so the answer carries it back; it is then checked, and spent once across the cluster (<see cref="Orleans.VNeID.Security.IOneTimeUseGrain"/>).
/// </summary>
public sealed class PasskeyCeremonies(IOptions<JwtOptions> jwt, IOptions<OidcOptions> oidc, IConfiguration configuration, TimeProvider clock)
{
    /// <summary>How long a ceremony may take (the browser's timeout is the same).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private const int BodyLength = 1 + 16 + 8;
    private const int MacLength = 16;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(jwt.Value.SigningKey), 32,
        info: Encoding.ASCII.GetBytes("vneid passkey challenges"));

    // Read once: with an IP-address issuer it is null, and stays so.
    private readonly Lazy<PasskeyParty?> _party = new(() => MakeParty(oidc.Value, configuration));

    /// <summary>
    /// The relying party: <c>Passkeys:RelyingPartyId</c> (default the issuer's host) and <c>Passkeys:Origins</c> (default the
    /// issuer's origin). Null when the host is an IP address: WebAuthn takes only a domain (use <c>http://localhost:8080</c>).
    /// </summary>
    public PasskeyParty? Party => _party.Value;

    private static PasskeyParty? MakeParty(OidcOptions oidc, IConfiguration configuration)
    {
        var issuer = oidc.IssuerUri;
        var settings = configuration.Read<PasskeySettings>();
        var rpId = settings.RelyingPartyId is { Length: > 0 } configured ? configured : issuer.Host;
        if (IPAddress.TryParse(rpId.Trim('[', ']'), out _)) return null;
        var origins = settings.Origins is { Length: > 0 } listed
            ? listed
            : [issuer.GetLeftPart(UriPartial.Authority)];
        return new PasskeyParty(rpId, "VNeID", origins);
    }

    /// <summary>A new challenge for <paramref name="purpose"/>, bound to <paramref name="binding"/> (a session id, or empty).</summary>
    public byte[] Issue(PasskeyPurpose purpose, string binding)
    {
        var body = new byte[BodyLength];
        body[0] = (byte)purpose;
        RandomNumberGenerator.Fill(body.AsSpan(1, 16));
        BitConverter.TryWriteBytes(body.AsSpan(17), clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        return [.. body, .. Mac(body, binding)];
    }

    /// <summary>
    /// The answer's challenge when this platform issued it for <paramref name="purpose"/> and <paramref name="binding"/>,
    /// it has not expired, and this is its first use anywhere in the cluster; else null.
    /// </summary>
    public async Task<PasskeyAnswer?> OpenAsync(string? credentialJson, PasskeyPurpose purpose, string binding, IGrainFactory grains)
    {
        if (credentialJson is not { Length: > 0 and <= 16_384 } || ChallengeOf(credentialJson) is not { Length: BodyLength + MacLength } raw) return null;
        if (raw[0] != (byte)purpose || !CryptographicOperations.FixedTimeEquals(raw.AsSpan(BodyLength), Mac(raw[..BodyLength], binding))) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(BitConverter.ToInt64(raw, 17), 0, 253_402_300_799));
        if (expires <= clock.GetUtcNow()) return null;
        var spent = await grains.GetGrain<Orleans.VNeID.Security.IOneTimeUseGrain>("passkey:" + Base64Url.EncodeToString(raw.AsSpan(1, 16))).SpendAsync(expires);
        return spent ? new PasskeyAnswer(credentialJson, raw) : null;
    }

    /// <summary>
    /// A sign-in with a passkey alone: the challenge opened (<see cref="PasskeyPurpose.SignIn"/>), the account its user
    /// handle names, and the relying party to check it against; null when passkeys are off, the challenge does not open,
    /// or the handle names no account (all alike to the caller).
    /// </summary>
    public async Task<(ICitizenAccountGrain Account, PasskeyAnswer Answer, PasskeyParty Party)?> OpenSignInAsync(string? credentialJson, IClusterClient cluster) =>
        Party is { } party &&
        await OpenAsync(credentialJson, PasskeyPurpose.SignIn, "", cluster) is { } answer &&
        UserHandleOf(credentialJson!) is { } handle &&
        await cluster.GetGrain<IPasskeyOwnerGrain>(handle).OwnerAsync() is { } idNumber
            ? (cluster.Account(idNumber), answer, party)
            : null;

    /// <summary>The challenge the authenticator signed: <c>response.clientDataJSON.challenge</c> of the credential's JSON.</summary>
    internal static byte[]? ChallengeOf(string credentialJson)
    {
        try
        {
            using var credential = JsonDocument.Parse(credentialJson);
            if (credential.RootElement.ValueKind != JsonValueKind.Object ||
                !credential.RootElement.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object ||
                !response.TryGetProperty("clientDataJSON", out var clientData) || clientData.GetString() is not { Length: <= 8_192 } encoded)
                return null;
            using var data = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded));
            return data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty("challenge", out var challenge) &&
                   challenge.GetString() is { Length: <= 128 } text
                ? Base64Url.DecodeFromChars(text)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The user handle a discoverable passkey answered with (<c>response.userHandle</c>), as the base64url key of its owner grain; else null.</summary>
    public static string? UserHandleOf(string credentialJson)
    {
        try
        {
            using var credential = JsonDocument.Parse(credentialJson);
            return credential.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object &&
                   response.TryGetProperty("userHandle", out var handle) && handle.GetString() is { Length: 43 } text &&
                   Base64Url.DecodeFromChars(text) is { Length: 32 } bytes
                ? Base64Url.EncodeToString(bytes)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The options of a sign-in ceremony (WebAuthn JSON): this challenge, the RP ID, user verification required, and the allowed passkeys (none: discoverable).</summary>
    public string RequestOptions(byte[] challenge, IReadOnlyList<string> allowed) => JsonSerializer.Serialize(new
    {
        challenge = Base64Url.EncodeToString(challenge),
        timeout = (int)Lifetime.TotalMilliseconds,
        rpId = Party!.RpId,
        allowCredentials = allowed.Select(id => new { type = "public-key", id }).ToArray(),
        userVerification = "required",
    });

    private byte[] Mac(byte[] body, string binding) =>
        HMACSHA256.HashData(_key, (byte[])[.. body, .. Encoding.UTF8.GetBytes(binding)])[..MacLength];
}
