namespace Orleans.VNeID.Accounts;

/// <summary>
/// The WebAuthn relying party a passkey ceremony is checked against: the RP ID (the provider's host name, never an IP
/// address), its display name, and the origins a browser may answer from. The gateway passes it with every ceremony, so
/// the account grain checks what the gateway serves.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.PasskeyParty")]
public sealed record PasskeyParty(
    [property: Id(0)] string RpId,
    [property: Id(1)] string RpName,
    [property: Id(2)] IReadOnlyList<string> Origins);

/// <summary>
/// A browser's (or the app's) answer to a passkey ceremony: the WebAuthn JSON of the credential
/// (<c>PublicKeyCredential.toJSON()</c>), and the challenge the gateway issued and has checked (its own token, single use).
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.PasskeyAnswer")]
public sealed record PasskeyAnswer(
    [property: Id(0)] string CredentialJson,
    [property: Id(1)] byte[] Challenge);

/// <summary>One of the account's passkeys as its owner sees it; <see cref="Handle"/> is the credential's id (base64url).</summary>
[GenerateSerializer, Immutable, Alias("vneid.PasskeySummary")]
public sealed record PasskeySummary(
    [property: Id(0)] string Handle,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset AddedAt,
    [property: Id(3)] DateTimeOffset? LastUsedAt,
    // A synced passkey (backup eligible: a password manager's, a phone platform's) rather than one bound to one device.
    [property: Id(4)] bool Synced);

/// <summary>
/// A sign-in without a password that succeeded (a passkey, a phone's approval) or a second factor: the session it opened
/// or proved, and the methods (RFC 8176) it proves: <c>hwk</c> for a passkey bound to one device or <c>swk</c> for a
/// synced one, with <c>mfa</c> since the authenticator verified the user (PIN or biometric) as well as holding the key;
/// <c>mca</c> for a phone's approval (with <c>mfa</c> when the phone's own sign-in proved two factors).
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.SignInProof")]
public sealed record SignInProof(
    [property: Id(0)] LoginGrant Grant,
    [property: Id(1)] IReadOnlyList<string> Methods);

/// <summary>
/// The user handle of an account's passkeys (random, no personal data) mapped to the account: a discoverable passkey
/// names only its user handle, and this grain, keyed by the handle in base64url, says whose account it is. Written once,
/// before the account's first passkey is stored.
/// </summary>
public interface IPasskeyOwnerGrain : IGrainWithStringKey
{
    /// <summary>Records the account; false when the handle is already another account's (a collision of 32 random bytes: never in practice).</summary>
    Task<bool> ClaimAsync(string accountId);

    /// <summary>The account, or null for a handle never claimed.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<string?> OwnerAsync();
}
