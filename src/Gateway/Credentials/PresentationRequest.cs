using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// A verifier's request for the e-ID over the network (OpenID for Verifiable Presentations 1.0), as the console's web
/// wallet takes it: <c>response_type=vp_token</c>, <c>response_mode=direct_post</c>, a verifier that names itself by its
/// response URI (<c>client_id=redirect_uri:…</c>, so the answer can only go there), a nonce and a state, and a DCQL query
/// for claims of the e-ID. Anything else is refused: a verifier's request is a stranger's input.
/// </summary>
public sealed partial record PresentationRequest(string ClientId, Uri ResponseUri, string Nonce, string State, string QueryId, IReadOnlyList<string> Claims)
{
    public const string ClientIdPrefix = "redirect_uri:";

    /// <summary>The e-ID's claims a verifier may ask for (the portrait included, to compare with the person).</summary>
    public static readonly IReadOnlyList<string> Disclosable =
        ["id_number", "full_name", "birthdate", "gender", "nationality", "age_over_14", "age_over_18", "level", "portrait", "card_number", "card_valid_until"];

    /// <summary>The request in <paramref name="query"/> for the e-ID of type <paramref name="eidVct"/>, or null when it is not one this wallet answers.</summary>
    public static PresentationRequest? Parse(IQueryCollection query, string eidVct)
    {
        if (query["response_type"] != "vp_token" || query["response_mode"] != "direct_post") return null;
        var responseUri = query["response_uri"].ToString();
        // Only https, or http to the machine itself (a desk on the same computer, Development).
        if (responseUri.Length > 512 || !Uri.TryCreate(responseUri, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 ||
            !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            return null;
        if (query["client_id"] != ClientIdPrefix + responseUri) return null;
        string nonce = query["nonce"].ToString(), state = query["state"].ToString();
        if (!Token().IsMatch(nonce) || !Token().IsMatch(state)) return null;
        return Dcql(query["dcql_query"].ToString(), eidVct) is { } asked ? new PresentationRequest(ClientIdPrefix + responseUri, uri, nonce, state, asked.Id, asked.Claims) : null;
    }

    /// <summary>One credential query: SD-JWT VC of the e-ID, claims by one-element paths the e-ID has.</summary>
    private static (string Id, IReadOnlyList<string> Claims)? Dcql(string json, string eidVct)
    {
        if (json.Length is 0 or > 4096) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("credentials", out var credentials) || credentials.ValueKind != JsonValueKind.Array || credentials.GetArrayLength() != 1)
                return null;
            var credential = credentials[0];
            var id = credential.GetProperty("id").GetString() ?? "";
            if (!QueryIdForm().IsMatch(id) || credential.GetProperty("format").GetString() != SdJwt.Type) return null;
            if (!credential.GetProperty("meta").GetProperty("vct_values").EnumerateArray().Any(v => v.GetString() == eidVct)) return null;
            var claims = new List<string>();
            foreach (var claim in credential.GetProperty("claims").EnumerateArray())
            {
                var path = claim.GetProperty("path");
                if (path.GetArrayLength() != 1 || path[0].GetString() is not { } name || !Disclosable.Contains(name)) return null;
                if (!claims.Contains(name)) claims.Add(name);
            }
            return claims.Count == 0 ? null : (id, claims);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._~-]{16,128}$")]
    private static partial Regex Token();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex QueryIdForm();
}
