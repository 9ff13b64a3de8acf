using System.Text.Json;
using QRCoder;

namespace IdentityCheck;

/// <summary>What the desk may ask a wallet for, and the pieces of a request and its answer.</summary>
public static class OnlineAsk
{
    public static readonly IReadOnlySet<string> Claims = new HashSet<string>(StringComparer.Ordinal)
        { "age_over_18", "portrait", "level", "full_name", "id_number", "birthdate", "gender", "nationality" };

    /// <summary>The e-ID's type at the first trusted issuer (the one the wallet belongs to).</summary>
    public static string EidVct(TrustStore trust) => trust.Options.TrustedIssuers[0].Issuer.TrimEnd('/') + "/credentials/eid";

    /// <summary>The QR of a link, as a PNG data URL.</summary>
    public static string QrImage(string link)
    {
        using var data = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.L);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }

    /// <summary>The one presentation in a vp_token (a JSON object: the query's id, an array of one presentation), or null.</summary>
    public static string? Presentation(string vpToken)
    {
        if (vpToken.Length is 0 or > QrInput.MaxText) return null;
        try
        {
            using var token = JsonDocument.Parse(vpToken);
            return token.RootElement.TryGetProperty("eid", out var answers) && answers.ValueKind == JsonValueKind.Array && answers.GetArrayLength() == 1
                ? answers[0].GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
