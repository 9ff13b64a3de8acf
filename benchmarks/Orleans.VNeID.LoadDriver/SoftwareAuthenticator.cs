using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.VNeID.LoadDriver;

/// <summary>
/// A passkey held in software, as a platform authenticator would hold it: a P-256 key, a random credential id, the
/// account's user handle; it answers WebAuthn ceremonies with <c>PublicKeyCredential.toJSON()</c>'s JSON ("none"
/// attestation, user present and verified). The load driver signs in with it; the unit tests share this file.
/// </summary>
public sealed class SoftwareAuthenticator(string rpId, string origin, byte[] userHandle) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    /// <summary>The signature counter of the next assertion; 0 stays 0 (as synced passkeys report it).</summary>
    public uint Counter { get; set; }

    /// <summary>The answer to creation options with <paramref name="challenge"/> (base64url).</summary>
    public string Attest(string challenge, string? originOverride = null)
    {
        var clientData = ClientData("webauthn.create", challenge, originOverride);
        var q = _key.ExportParameters(false).Q;
        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cose.WriteStartMap(5);
        cose.WriteInt32(1); cose.WriteInt32(2);      // kty: EC2
        cose.WriteInt32(3); cose.WriteInt32(-7);     // alg: ES256
        cose.WriteInt32(-1); cose.WriteInt32(1);     // crv: P-256
        cose.WriteInt32(-2); cose.WriteByteString(q.X!);
        cose.WriteInt32(-3); cose.WriteByteString(q.Y!);
        cose.WriteEndMap();
        byte[] authData = [.. RpIdHash(), 0x45, .. Counted(Counter), .. new byte[16],
            (byte)(CredentialId.Length >> 8), (byte)CredentialId.Length, .. CredentialId, .. cose.Encode()];
        var attestation = new CborWriter(CborConformanceMode.Ctap2Canonical);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt"); attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt"); attestation.WriteStartMap(0); attestation.WriteEndMap();
        attestation.WriteTextString("authData"); attestation.WriteByteString(authData);
        attestation.WriteEndMap();
        return JsonSerializer.Serialize(new
        {
            id = Base64Url.EncodeToString(CredentialId), rawId = Base64Url.EncodeToString(CredentialId), type = "public-key",
            response = new { clientDataJSON = Base64Url.EncodeToString(clientData), attestationObject = Base64Url.EncodeToString(attestation.Encode()), transports = new[] { "internal" } },
            clientExtensionResults = new { },
        });
    }

    /// <summary>The answer to request options with <paramref name="challenge"/> (base64url), signed with the key.</summary>
    public string Assert(string challenge, string? originOverride = null, bool userVerified = true)
    {
        var clientData = ClientData("webauthn.get", challenge, originOverride);
        byte[] authData = [.. RpIdHash(), (byte)(userVerified ? 0x05 : 0x01), .. Counted(Counter)];
        if (Counter > 0) Counter++;
        var signature = _key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Serialize(new
        {
            id = Base64Url.EncodeToString(CredentialId), rawId = Base64Url.EncodeToString(CredentialId), type = "public-key",
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientData), authenticatorData = Base64Url.EncodeToString(authData),
                signature = Base64Url.EncodeToString(signature), userHandle = Base64Url.EncodeToString(userHandle),
            },
            clientExtensionResults = new { },
        });
    }

    public void Dispose() => _key.Dispose();

    private byte[] RpIdHash() => SHA256.HashData(Encoding.UTF8.GetBytes(rpId));

    private static byte[] Counted(uint counter) => [(byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter];

    private byte[] ClientData(string type, string challenge, string? originOverride) => JsonSerializer.SerializeToUtf8Bytes(
        new Dictionary<string, object> { ["type"] = type, ["challenge"] = challenge, ["origin"] = originOverride ?? origin, ["crossOrigin"] = false });
}
