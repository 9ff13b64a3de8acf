// "Cổng dịch vụ công (mẫu)": a sample relying party of the VNeID provider, on ASP.NET Core's OpenID Connect handler.
// A procedure that needs a level-1 account, one that needs level 2 (acr_values), the claims received (verified apart
// from self-declared), back-channel logout: a logout token from the provider ends the portal's session at once, and
// security event tokens pushed by the provider (RFC 8417/8935): a disabled account's sessions end, and every event
// received is listed at /su-kien-bao-mat.
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

const string Level1 = "urn:vneid:level1";
const string Level2 = "urn:vneid:level2";
const string AcrItem = "acr";
// Verified claims asked for by name through the claims parameter (OpenID Connect for Identity Assurance).
const string ClaimsRequest = """{"id_token":{"verified_claims":{"verification":{"trust_framework":null},"claims":{"name":null,"birthdate":null,"gender":null}}}}""";

var builder = WebApplication.CreateBuilder(args);
var portal = builder.Configuration.GetSection("Portal");
var clientId = portal["ClientId"] ?? "public-service-portal";

builder.Services.AddSingleton<EndedSessions>();
builder.Services.AddSingleton<SecurityEventLog>();
builder.Services.AddAuthentication(o =>
    {
        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie(o =>
    {
        o.Cookie.Name = "portal.session";
        o.Cookie.SameSite = SameSiteMode.Lax;
        // A session the provider ended by back-channel logout is refused on the next request.
        o.Events.OnValidatePrincipal = context =>
        {
            var ended = context.HttpContext.RequestServices.GetRequiredService<EndedSessions>();
            var events = context.HttpContext.RequestServices.GetRequiredService<SecurityEventLog>();
            if ((context.Principal?.FindFirst("sid")?.Value is { } sid && ended.Contains(sid)) ||
                (context.Principal?.FindFirst("sub")?.Value is { } sub && events.IsDisabled(sub)))
            {
                context.RejectPrincipal();
                return context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
            return Task.CompletedTask;
        };
    })
    .AddOpenIdConnect(o =>
    {
        o.Authority = portal["Authority"];
        o.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
        o.ClientId = clientId;
        o.ClientSecret = portal["ClientSecret"];
        o.ResponseType = "code";
        o.UsePkce = true;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "phone", "email", "vneid_level", "organization" }) o.Scope.Add(scope);
        o.MapInboundClaims = false;
        // The handler drops acr by default; the portal needs it (the level the citizen signed in with).
        o.ClaimActions.Remove("acr");
        o.GetClaimsFromUserInfoEndpoint = false;
        o.SaveTokens = true; // the ID token is the hint of RP-initiated logout
        o.TokenValidationParameters.NameClaimType = "name";
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            context.ProtocolMessage.AcrValues = context.Properties.Items.TryGetValue(AcrItem, out var acr) ? acr : Level1;
            context.ProtocolMessage.SetParameter("claims", ClaimsRequest);
            return Task.CompletedTask;
        };
        // The level asked for must be the level received.
        o.Events.OnTokenValidated = context =>
        {
            var asked = context.Properties!.Items.TryGetValue(AcrItem, out var acr) ? acr : Level1;
            if (asked == Level2 && context.Principal!.FindFirst("acr")?.Value != Level2) context.Fail("The provider did not give level 2.");
            return Task.CompletedTask;
        };
        // A refusal at the provider (a level-1 account for a level-2 procedure, a declined consent) comes back as an error.
        o.Events.OnRemoteFailure = context =>
        {
            var error = context.Failure?.Data["error"] as string ?? "failed";
            context.Response.Redirect($"/tu-choi?error={Uri.EscapeDataString(error)}");
            context.HandleResponse();
            return Task.CompletedTask;
        };
        // Two profiles: plain OpenID Connect with a client secret (the default), or FAPI 2.0 — PAR, private_key_jwt, DPoP.
        if (portal["Profile"] == "fapi") FapiProfile.Apply(o, clientId, portal["SigningKey"] ?? throw new InvalidOperationException("Portal:SigningKey is needed."));
        else o.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
    });
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", (HttpContext http) => Page(http, "Cổng dịch vụ công (mẫu)", $"""
    <p>Cổng mẫu minh hoạ đăng nhập bằng tài khoản định danh điện tử VNeID.</p>
    <ul>
      <li><a href="/thu-tuc/muc-1">Cấp phiếu lý lịch tư pháp (cần tài khoản mức độ 1)</a></li>
      <li><a href="/thu-tuc/muc-2">Đăng ký thường trú (cần tài khoản mức độ 2)</a></li>
      <li><a href="/thong-tin">Thông tin nhận được từ VNeID</a></li>
      <li><a href="/su-kien-bao-mat">Sự kiện bảo mật nhận được từ VNeID</a></li>
    </ul>
    """));

app.MapGet("/thu-tuc/muc-1", (HttpContext http) => Procedure(http, Level1, "Cấp phiếu lý lịch tư pháp"));
app.MapGet("/thu-tuc/muc-2", (HttpContext http) => Procedure(http, Level2, "Đăng ký thường trú"));

app.MapGet("/thong-tin", async (HttpContext http) => http.User.Identity?.IsAuthenticated == true
    ? Page(http, "Thông tin nhận được từ VNeID",
        $"<p id=\"profile\">Hồ sơ kết nối: {(portal["Profile"] == "fapi" ? "FAPI 2.0 (PAR, private_key_jwt, DPoP)" : "OpenID Connect")}; " +
        $"loại access token: {E(await http.GetTokenAsync("token_type"))}.</p>" + Claims(http.User))
    : Results.Challenge(new AuthenticationProperties { RedirectUri = "/thong-tin" }));

app.MapGet("/tu-choi", (HttpContext http, string? error) => Page(http, "Không thể đăng nhập",
    error == "access_denied"
        ? "<p role=\"alert\">VNeID không cấp thông tin cho thủ tục này: thủ tục cần tài khoản định danh điện tử mức độ 2, hoặc bạn đã từ chối chia sẻ.</p>"
        : $"<p role=\"alert\">Đăng nhập không thành công ({E(error)}).</p>", StatusCodes.Status403Forbidden));

app.MapPost("/dang-xuat", async (HttpContext http) =>
{
    await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/" });
}).DisableAntiforgery();

// OpenID Connect Back-Channel Logout 1.0: the provider posts a logout token; the session it names ends here.
app.MapPost("/backchannel-logout", async (HttpContext http, EndedSessions ended, IOptionsMonitor<OpenIdConnectOptions> oidc,
    ILogger<EndedSessions> logger) =>
{
    var form = await http.Request.ReadFormAsync();
    var token = form["logout_token"].FirstOrDefault();
    var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
    var configuration = await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
    var result = await new JsonWebTokenHandler().ValidateTokenAsync(token ?? "", new TokenValidationParameters
    {
        ValidIssuer = configuration.Issuer,
        ValidAudience = clientId,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidTypes = ["logout+jwt", "JWT"],
    });
    if (!result.IsValid || !result.Claims.ContainsKey("events") || result.Claims.ContainsKey("nonce") ||
        !result.Claims.TryGetValue("sid", out var sidValue) || sidValue is not string sid)
        return Results.BadRequest();
    ended.Add(sid);
    logger.LogInformation("Back-channel logout: session {Sid} ended by the provider", sid);
    http.Response.Headers.CacheControl = "no-store";
    return Results.Ok();
}).DisableAntiforgery();

// Push-based security event token delivery (RFC 8935): a SET (RFC 8417) signed by the provider, 202 when accepted, 400
// with an RFC 8935 error when not. A repeat (same jti) is accepted and not recorded twice.
app.MapPost("/security-events", async (HttpContext http, SecurityEventLog log, IOptionsMonitor<OpenIdConnectOptions> oidc,
    ILogger<SecurityEventLog> logger) =>
{
    if (http.Request.ContentType?.StartsWith("application/secevent+jwt", StringComparison.OrdinalIgnoreCase) != true)
        return Results.Json(new { err = "invalid_request", description = "Expected application/secevent+jwt." }, statusCode: 400);
    using var body = new StreamReader(http.Request.Body);
    var token = await body.ReadToEndAsync(http.RequestAborted);
    var configuration = await oidc.Get(OpenIdConnectDefaults.AuthenticationScheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
    var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
    {
        ValidIssuer = configuration.Issuer,
        ValidAudience = clientId,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidTypes = ["secevent+jwt"],
        ValidateLifetime = false, // a SET states a fact; it has no expiry
        RequireExpirationTime = false,
    });
    if (!result.IsValid)
        return Results.Json(new { err = result.Exception is SecurityTokenInvalidAudienceException ? "invalid_audience"
            : result.Exception is SecurityTokenInvalidIssuerException ? "invalid_issuer" : "authentication_failed",
            description = "The security event token did not validate." }, statusCode: 400);
    var jwt = (JsonWebToken)result.SecurityToken;
    if (!jwt.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object ||
        !jwt.TryGetPayloadValue<JsonElement>("sub_id", out var subject) || !subject.TryGetProperty("sub", out var sub))
        return Results.Json(new { err = "invalid_request", description = "A SET with events and sub_id is expected." }, statusCode: 400);
    foreach (var evt in events.EnumerateObject())
        if (log.Add(jwt.Id, evt.Name, sub.GetString()!))
            logger.LogInformation("Security event {Type} for subject {Subject} ({Jti})", evt.Name, sub.GetString(), jwt.Id);
    return Results.Accepted();
}).DisableAntiforgery();

app.MapGet("/su-kien-bao-mat", (HttpContext http, SecurityEventLog log) => Page(http, "Sự kiện bảo mật nhận được từ VNeID", log.Count == 0
    ? "<p>Chưa nhận được sự kiện nào.</p>"
    : "<table id=\"security-events\"><thead><tr><th>Nhận lúc</th><th>Sự kiện</th><th>Chủ thể</th><th>jti</th></tr></thead><tbody>" +
      string.Concat(log.Latest().Select(e => $"<tr><td>{e.ReceivedAt:yyyy-MM-dd HH:mm:ss}Z</td><td class=\"type\">{E(e.ShortType)}</td>" +
                                               $"<td><code>{E(e.Subject[..Math.Min(12, e.Subject.Length)])}…</code></td><td><code>{E(e.Jti)}</code></td></tr>")) +
      "</tbody></table>"));

app.Run();

IResult Procedure(HttpContext http, string level, string name)
{
    var acr = http.User.FindFirst("acr")?.Value;
    if (acr is null || (level == Level2 && acr != Level2))
    {
        var properties = new AuthenticationProperties { RedirectUri = http.Request.Path };
        properties.Items[AcrItem] = level;
        return Results.Challenge(properties);
    }
    return Page(http, name, $"""
        <p>Xin chào <strong>{E(http.User.Identity!.Name)}</strong>.</p>
        <p>Tài khoản định danh điện tử: <strong>mức độ {(acr == Level2 ? 2 : 1)}</strong> (<code>{E(acr)}</code>).</p>
        <p>Hồ sơ thủ tục “{E(name)}” (mẫu) có thể nộp trực tuyến.</p>
        """);
}

string Claims(ClaimsPrincipal user)
{
    var html = new StringBuilder();
    // Acting for someone else: a parent for a child under 14 (act, RFC 8693), or a person for an organisation.
    if (user.FindFirst("act")?.Value is { } act)
    {
        using var actor = JsonDocument.Parse(act);
        var a = actor.RootElement;
        html.Append("<section id=\"acting-for-child\"><h2>Người đại diện (act)</h2><p>Trẻ dưới 14 tuổi được cha/mẹ đăng nhập thay mặt.</p><dl>");
        html.Append($"<dt>Người thực hiện</dt><dd id=\"actor-name\">{E(a.TryGetProperty("name", out var n) ? n.GetString() : a.GetProperty("sub").GetString())}</dd>");
        html.Append($"<dt>Quan hệ</dt><dd id=\"actor-relationship\">{E(a.GetProperty("relationship").GetString())}</dd>");
        html.Append($"<dt>sub của người thực hiện</dt><dd><code>{E(a.GetProperty("sub").GetString())}</code></dd></dl></section>");
    }
    if (user.FindFirst("organization")?.Value is { } organization)
    {
        using var document = JsonDocument.Parse(organization);
        var o = document.RootElement;
        html.Append("<section id=\"organization\"><h2>Tổ chức (organization)</h2><dl>");
        html.Append($"<dt>Tên tổ chức</dt><dd id=\"organization-name\">{E(o.GetProperty("name").GetString())}</dd>");
        html.Append($"<dt>Mã số doanh nghiệp</dt><dd id=\"organization-id\">{E(o.GetProperty("id").GetString())}</dd>");
        html.Append($"<dt>Vai trò</dt><dd id=\"organization-role\">{E(o.GetProperty("role").GetString())}</dd>");
        html.Append($"<dt>Phạm vi</dt><dd>{E(string.Join(", ", o.GetProperty("scopes").EnumerateArray().Select(x => x.GetString())))}</dd>");
        if (o.TryGetProperty("authorised_until", out var until)) html.Append($"<dt>Uỷ quyền đến</dt><dd>{E(until.GetString())}</dd>");
        html.Append("</dl></section>");
    }
    var verified = user.FindFirst("verified_claims")?.Value;
    html.Append("<h2>Đã xác thực (verified_claims)</h2>");
    if (verified is null) html.Append("<p>Không có.</p>");
    else
    {
        using var document = JsonDocument.Parse(verified);
        var root = document.RootElement;
        var verification = root.GetProperty("verification");
        html.Append("<dl class=\"verified\">");
        foreach (var claim in root.GetProperty("claims").EnumerateObject())
            html.Append($"<dt>{E(claim.Name)}</dt><dd>{E(claim.Value.ToString())}</dd>");
        html.Append("</dl>");
        html.Append($"<p>Khung tin cậy: <code>{E(verification.GetProperty("trust_framework").GetString())}</code>, " +
                    $"thời điểm: {E(verification.GetProperty("time").GetString())}</p><p>Bằng chứng:</p><ul class=\"evidence\">");
        foreach (var evidence in verification.GetProperty("evidence").EnumerateArray())
        {
            var checks = evidence.TryGetProperty("check_details", out var details)
                ? string.Join("; ", details.EnumerateArray().Select(d => string.Join(", ", d.EnumerateObject().Select(p => $"{p.Name}: {p.Value}"))))
                : "";
            var source = evidence.TryGetProperty("record", out var record) ? record.GetProperty("source").GetProperty("name").GetString()
                : evidence.TryGetProperty("document_details", out var paper) ? $"{paper.GetProperty("type").GetString()}, {paper.GetProperty("issuer").GetProperty("name").GetString()}"
                : "";
            html.Append($"<li><strong>{E(evidence.GetProperty("type").GetString())}</strong> ({E(source)}) — {E(checks)}</li>");
        }
        html.Append("</ul>");
    }
    html.Append("<h2>Do công dân tự khai hoặc khác</h2><dl class=\"plain\">");
    string[] shown = ["name", "birthdate", "gender", "phone_number", "email", "vneid_level", "acr", "amr", "sub"];
    foreach (var claim in user.Claims.Where(c => shown.Contains(c.Type)))
        html.Append($"<dt>{E(claim.Type)}</dt><dd>{E(claim.Value)}</dd>");
    return html.Append("</dl>").ToString();
}

static string E(string? text) => HtmlEncoder.Create(UnicodeRanges.All).Encode(text ?? "");

static IResult Page(HttpContext http, string title, string body, int status = StatusCodes.Status200OK)
{
    var user = http.User.Identity?.IsAuthenticated == true
        ? $"<form method=\"post\" action=\"/dang-xuat\"><span>{E(http.User.Identity.Name)}</span> <button type=\"submit\">Đăng xuất</button></form>"
        : "<a href=\"/thong-tin\">Đăng nhập bằng VNeID</a>";
    return Results.Content($"""
        <!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} · Cổng dịch vụ công (mẫu)</title>
        <style>body{"{"}font:17px/1.5 system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;color:#111{"}"}
        header{"{"}display:flex;justify-content:space-between;align-items:center;border-bottom:3px solid #b00000{"}"}
        dt{"{"}font-weight:600{"}"} .verified dd{"{"}color:#05612a{"}"}</style></head>
        <body><header><a href="/">Cổng dịch vụ công (mẫu)</a><nav id="user">{user}</nav></header>
        <main><h1>{E(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);
}

/// <summary>Sessions the provider ended (back-channel logout), by sid. In memory: a sample; a real portal keeps them in its store.</summary>
sealed class EndedSessions
{
    private readonly ConcurrentDictionary<string, DateTime> _ended = new(StringComparer.Ordinal);
    public void Add(string sid) => _ended[sid] = DateTime.UtcNow;
    public bool Contains(string sid) => _ended.ContainsKey(sid);
}

/// <summary>
/// The security events received, newest first (in memory: a sample), and the subjects whose account the provider
/// disabled (their sessions here end until an account-enabled event arrives).
/// </summary>
sealed class SecurityEventLog
{
    public sealed record Received(DateTime ReceivedAt, string Jti, string Type, string Subject)
    {
        public string ShortType => Type[(Type.LastIndexOf('/') + 1)..];
    }

    private readonly ConcurrentDictionary<string, Received> _byJti = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _disabled = new(StringComparer.Ordinal);

    public int Count => _byJti.Count;

    /// <summary>Records the event; false for a repeat.</summary>
    public bool Add(string jti, string type, string subject)
    {
        if (!_byJti.TryAdd(jti, new Received(DateTime.UtcNow, jti, type, subject))) return false;
        // A disabled account, or every token revoked (a child who turned 14: the parent's delegation ended), ends its sessions here.
        if (type.EndsWith("/account-disabled", StringComparison.Ordinal) || type.EndsWith("/tokens-revoked", StringComparison.Ordinal)) _disabled[subject] = 0;
        if (type.EndsWith("/account-enabled", StringComparison.Ordinal)) _disabled.TryRemove(subject, out _);
        return true;
    }

    public bool IsDisabled(string subject) => _disabled.ContainsKey(subject);

    public IEnumerable<Received> Latest() => _byJti.Values.OrderByDescending(e => e.ReceivedAt).Take(200);
}
