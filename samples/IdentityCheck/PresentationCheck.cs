using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IdentityCheck;

/// <summary>The outcome of a check, worst first when several apply.</summary>
public enum Verdict { NotGenuine, Revoked, Expired, Replayed, Unchecked, Unreadable, Refused, Valid }

/// <summary>What an online presentation must answer: the desk's own request (its client_id as audience, its nonce).</summary>
public sealed record Expectation(string Audience, string Nonce);

/// <summary>A sentence in Vietnamese with its English.</summary>
public sealed record Words(string Vi, string En);

/// <summary>A disclosed claim: its name and its value as JSON.</summary>
public sealed record Shown(string Name, JsonElement Value);

public sealed record CheckResult(Verdict Verdict, IReadOnlyList<Words> Reasons, IReadOnlyList<Words> NotChecked, IReadOnlyList<Shown> Claims,
    string? IssuerName, string? Portrait, int? Level, DateTimeOffset? Expires, DateTimeOffset? StatusAsOf, bool InPerson);

/// <summary>
/// Checks an SD-JWT VC presentation (RFC 9901, SD-JWT VC) with only what the desk holds — the trusted issuers' keys and
/// status lists (<see cref="TrustStore"/>) — and its clock: the issuer's signature, that each disclosed claim is one the
/// issuer signed, the holder's key binding (signed with the key in <c>cnf</c>, over this very presentation, made for
/// in-person use moments ago, never seen before), the credential's validity and its entry in the status list.
/// </summary>
public sealed class PresentationCheck(TrustStore trust, ReplayGuard replays, TimeProvider clock)
{
    public const string InPersonAudience = "urn:vneid:in-person";
    private static readonly string[] PortraitTypes = ["data:image/webp;base64,", "data:image/jpeg;base64,", "data:image/png;base64,"];

    /// <summary>The verdict on <paramref name="input"/>: shown in person, or the answer to the desk's <paramref name="online"/> request.</summary>
    public async Task<CheckResult> CheckAsync(string input, Expectation? online = null)
    {
        string presentation;
        try
        {
            presentation = QrInput.Presentation(input);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
        {
            return Unreadable();
        }
        var parts = presentation.Split('~');
        var handler = new JsonWebTokenHandler();
        if (parts.Length < 2 || !handler.CanReadToken(parts[0])) return Unreadable();

        var reasons = new List<(Verdict Verdict, Words Why)>();
        var notChecked = new List<Words>();
        var credential = handler.ReadJsonWebToken(parts[0]);
        var held = trust.Issuer(credential.Issuer);
        if (held is null)
        {
            var configured = trust.Options.TrustedIssuers.Any(t => t.Issuer == credential.Issuer);
            return configured
                ? Result(Verdict.Unchecked, [new("Chưa từng tải được khóa của cơ quan cấp; hãy kết nối mạng và cập nhật.", "The issuer's keys were never fetched; connect and refresh.")])
                : Result(Verdict.NotGenuine, [new("Cơ quan cấp không có trong danh sách tin cậy của quầy.", "The issuer is not in this desk's trust list.")]);
        }
        var signed = await handler.ValidateTokenAsync(parts[0], new TokenValidationParameters
        {
            ValidIssuer = held.Issuer, ValidateAudience = false, IssuerSigningKeys = trust.Keys(held.Issuer), ValidTypes = ["dc+sd-jwt"],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], ValidateLifetime = false,
        });
        if (!signed.IsValid)
            return Result(Verdict.NotGenuine, [new("Chữ ký của cơ quan cấp không đúng.", "The issuer's signature does not verify.")], held.Name);

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(credential.EncodedPayload));
        var root = payload.RootElement;
        var digests = root.TryGetProperty("_sd", out var sd) && sd.ValueKind == JsonValueKind.Array
            ? sd.EnumerateArray().Select(d => d.GetString()).ToHashSet(StringComparer.Ordinal) : [];
        var claims = new List<Shown>();
        var kb = parts[^1];
        foreach (var disclosure in parts[1..^1])
        {
            if (Disclose(disclosure, digests) is not { } claim || claims.Any(c => c.Name == claim.Name))
                return Result(Verdict.NotGenuine, [new("Một thông tin đã bị sửa: nó không phải thông tin cơ quan cấp đã ký.", "A claim was altered: it is not one the issuer signed.")], held.Name);
            claims.Add(claim);
        }

        var inPerson = kb.Length > 0;
        if (inPerson) reasons.AddRange(await HolderBindingAsync(handler, root, presentation[..^kb.Length], kb, online));
        else notChecked.Add(new("Người xuất trình có giữ khóa của chủ thể hay không (không có chữ ký của người giữ).", "That the person showing it holds the holder's key (no key-binding signature)."));

        DateTimeOffset? expires = root.TryGetProperty("exp", out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) : null;
        var now = clock.GetUtcNow();
        if (expires < now) reasons.Add((Verdict.Expired, new($"Căn cước điện tử đã hết hạn ngày {expires:dd/MM/yyyy}.", $"The electronic ID expired on {expires:yyyy-MM-dd}.")));
        var statusAsOf = Status(root, reasons, notChecked);

        var portrait = claims.FirstOrDefault(c => c.Name == "portrait")?.Value;
        var portraitUrl = portrait?.ValueKind == JsonValueKind.String && portrait.Value.GetString() is { Length: < 100_000 } url &&
                          PortraitTypes.Any(t => url.StartsWith(t, StringComparison.Ordinal)) && IsBase64(url[(url.IndexOf(',') + 1)..]) ? url : null;
        int? level = claims.FirstOrDefault(c => c.Name == "level")?.Value is { ValueKind: JsonValueKind.Number } l ? l.GetInt32()
            : credential.TryGetPayloadValue<string>("vct", out var vct) && vct == held.Issuer + "/credentials/eid" ? 2 : null;
        var verdict = reasons.Count == 0 ? Verdict.Valid : reasons.Min(r => r.Verdict);
        return new CheckResult(verdict, reasons.OrderBy(r => r.Verdict).Select(r => r.Why).ToArray(), notChecked,
            claims.Where(c => c.Name != "portrait").ToArray(), held.Name, portraitUrl, level, expires, statusAsOf, inPerson);
    }

    /// <summary>A disclosure ([salt, name, value], base64url) whose digest the issuer signed, or null.</summary>
    private static Shown? Disclose(string disclosure, HashSet<string?> digests)
    {
        if (!digests.Contains(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(disclosure))))) return null;
        try
        {
            using var array = JsonDocument.Parse(Base64UrlEncoder.Decode(disclosure));
            var items = array.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() != 3 || items[1].GetString() is not { } name || name is "_sd" or "...")
                return null;
            return new Shown(name, items[2].Clone());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The key-binding JWT: the holder's key (cnf), over this presentation (sd_hash), for in-person use, fresh, first seen.</summary>
    private async Task<IEnumerable<(Verdict, Words)>> HolderBindingAsync(JsonWebTokenHandler handler, JsonElement credential, string presented, string kb,
        Expectation? online)
    {
        var forged = (Verdict.NotGenuine, new Words("Chữ ký của người xuất trình không đúng với khóa ghi trong căn cước.", "The holder's signature does not match the key in the credential."));
        if (!credential.TryGetProperty("cnf", out var cnf) || !cnf.TryGetProperty("jwk", out var jwk) || !handler.CanReadToken(kb)) return [forged];
        var binding = await handler.ValidateTokenAsync(kb, new TokenValidationParameters
        {
            ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, ValidTypes = ["kb+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], IssuerSigningKey = new JsonWebKey(jwk.GetRawText()),
        });
        if (!binding.IsValid) return [forged];
        var token = (JsonWebToken)binding.SecurityToken;
        var hash = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(presented)));
        if (!token.TryGetPayloadValue<string>("sd_hash", out var sdHash) || sdHash != hash) return [forged];
        if (!token.Audiences.Contains(online?.Audience ?? InPersonAudience))
            return [(Verdict.NotGenuine, new Words("Bản xuất trình này được làm cho một bên khác.", "This presentation was made for someone else."))];
        if (online is not null && (!token.TryGetPayloadValue<string>("nonce", out var answered) || answered != online.Nonce))
            return [(Verdict.NotGenuine, new Words("Bản xuất trình này trả lời một yêu cầu khác.", "This presentation answers another request."))];
        var now = clock.GetUtcNow();
        var made = token.TryGetPayloadValue<long>("iat", out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : DateTimeOffset.MinValue;
        var age = now - made;
        var reasons = new List<(Verdict, Words)>();
        if (age > trust.Options.QrLifetime + trust.Options.ClockSkew || age < -trust.Options.ClockSkew)
            reasons.Add((Verdict.Expired, new($"Mã QR đã quá hạn: mã được tạo lúc {made.ToOffset(TimeSpan.FromHours(7)):HH:mm:ss} và chỉ có hiệu lực {trust.Options.QrLifetime.TotalSeconds:0} giây.",
                $"The QR has expired: it was made at {made.ToOffset(TimeSpan.FromHours(7)):HH:mm:ss} (UTC+7) and is valid for {trust.Options.QrLifetime.TotalSeconds:0} seconds.")));
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || nonce.Length < 16 || !replays.FirstTime(nonce))
            reasons.Add((Verdict.Replayed, new("Mã QR này đã được quét trước đó: có thể là bản chụp lại.", "This QR was scanned before: it may be a copy.")));
        return reasons;
    }

    /// <summary>The credential's entry in its status list as held; when the list was fetched, or null when it could not be read.</summary>
    private DateTimeOffset? Status(JsonElement credential, List<(Verdict, Words)> reasons, List<Words> notChecked)
    {
        if (!credential.TryGetProperty("status", out var status) || !status.TryGetProperty("status_list", out var reference) ||
            !reference.TryGetProperty("uri", out var uri) || !reference.TryGetProperty("idx", out var idx) || idx.ValueKind != JsonValueKind.Number)
        {
            notChecked.Add(new("Tình trạng thu hồi (căn cước không ghi danh sách trạng thái).", "Revocation (the credential names no status list)."));
            return null;
        }
        var list = trust.List(uri.GetString() ?? "");
        if (list is null)
        {
            notChecked.Add(new("Tình trạng thu hồi: quầy chưa có danh sách trạng thái này.", "Revocation: this desk does not hold that status list."));
            return null;
        }
        var now = clock.GetUtcNow();
        if (now - list.FetchedAt > list.Ttl)
            notChecked.Add(new($"Danh sách trạng thái được tải lúc {list.FetchedAt.ToOffset(TimeSpan.FromHours(7)):HH:mm dd/MM}; những thay đổi sau đó chưa được biết.",
                $"The status list was fetched at {list.FetchedAt.ToOffset(TimeSpan.FromHours(7)):HH:mm dd/MM} (UTC+7); later changes are not known."));
        switch (list.StatusAt(idx.GetInt32()))
        {
            case null:
                notChecked.Add(new("Tình trạng thu hồi: vị trí không có trong danh sách.", "Revocation: the index is outside the list."));
                return list.FetchedAt;
            case 1:
                reasons.Add((Verdict.Revoked, new("Giấy tờ này đã bị thu hồi hoặc không còn hiệu lực theo cơ quan quản lý.", "This credential has been revoked, or its register no longer holds it valid.")));
                break;
            case 2:
                reasons.Add((Verdict.Revoked, new("Giấy tờ này đang bị tạm dừng (tài khoản định danh bị khóa).", "This credential is suspended (the e-ID account is locked).")));
                break;
        }
        return list.FetchedAt;
    }

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    /// <summary>The guest's wallet refused the desk's request.</summary>
    public static CheckResult Refused() => Result(Verdict.Refused, [new("Khách đã từ chối chia sẻ thông tin.", "The guest refused to share.")]);

    private static CheckResult Unreadable() => Result(Verdict.Unreadable,
        [new("Không đọc được: đây không phải mã của căn cước điện tử.", "Unreadable: this is not an electronic-ID code.")]);

    private static CheckResult Result(Verdict verdict, IReadOnlyList<Words> reasons, string? issuer = null) =>
        new(verdict, reasons, [], [], issuer, null, null, null, null, false);
}
