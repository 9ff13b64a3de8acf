// "Kiểm tra danh tính" (identity check): a sample verifier for a hotel's front desk. It scans the QR a guest shows
// from the VNeID app (or a picture of it, or its text), checks the SD-JWT presentation it holds against its own trust
// list — the issuers' keys and status lists it fetched earlier — and shows the claims disclosed, the portrait, the
// level, and whether it is valid, expired, revoked or not genuine. No network is needed at the moment of the check.
using System.Security.Cryptography;
using IdentityCheck;
using IdentityCheck.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

// Its settings (appsettings.json, the trust list) are read beside the program, whatever folder it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.Configure<VerifierOptions>(builder.Configuration.GetSection("Verifier"));
builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = QrInput.MaxImageBytes);
builder.Services.AddHttpClient();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TrustStore>();
builder.Services.AddHostedService(services => services.GetRequiredService<TrustStore>());
builder.Services.AddSingleton<ReplayGuard>();
builder.Services.AddSingleton<PresentationCheck>();
builder.Services.AddSingleton<OnlineRequests>();
builder.Services.AddRazorComponents();
builder.Services.AddAntiforgery();

var app = builder.Build();
app.Use(async (http, next) =>
{
    // Only the page's own script and style run (a nonce per response); the camera's frames go only back here.
    var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
    http.Items[Frame.NonceKey] = nonce;
    http.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self' data:; " +
                                                  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    http.Response.Headers.CacheControl = "no-store";
    http.Response.Headers["Referrer-Policy"] = "no-referrer";
    http.Response.Headers.XContentTypeOptions = "nosniff";
    await next();
});
app.UseAntiforgery();

app.MapGet("/", (HttpContext http) => Page<CheckPage>(http, []));
app.MapPost("/check/image", async (IFormFile image, HttpContext http, PresentationCheck check) =>
    await ReadAsync(image) is { } text
        ? Page<ResultPage>(http, new() { ["Result"] = await check.CheckAsync(text) })
        : Page<CheckPage>(http, new() { ["Problem"] = new Words("Không tìm thấy mã QR trong ảnh này.", "No QR code was found in this picture.") },
            StatusCodes.Status422UnprocessableEntity));
app.MapPost("/check/text", async ([FromForm] string? text, HttpContext http, PresentationCheck check) =>
    Page<ResultPage>(http, new() { ["Result"] = await check.CheckAsync(text ?? "") }));
// The camera's frames: the text of a QR found in one, or nothing yet.
app.MapPost("/check/frame", async Task<Results<JsonHttpResult<FoundText>, NoContent>> (IFormFile image) =>
    await ReadAsync(image) is { } text ? TypedResults.Json(new FoundText(text)) : TypedResults.NoContent());
app.MapGet("/trust", (HttpContext http) => Page<TrustPage>(http, []));
app.MapPost("/trust/refresh", async (TrustStore trust) =>
{
    await trust.RefreshAsync();
    return Results.Redirect("/trust");
});

// Online (OpenID4VP 1.0): the desk asks the guest's wallet for claims, the wallet posts its answer to /online/response.
app.MapGet("/online", (HttpContext http) => Page<OnlinePage>(http, []));
app.MapPost("/online", ([FromForm] string? ask, HttpContext http, OnlineRequests requests) =>
{
    var claims = (ask ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(OnlineAsk.Claims.Contains).Distinct().ToArray();
    if (claims.Length == 0) return Results.Redirect("/online");
    var request = requests.Create(claims, $"{http.Request.Scheme}://{http.Request.Host}/online/response");
    return Results.Redirect($"/online/{request.Id}");
});
app.MapGet("/online/{id}", (string id, HttpContext http, OnlineRequests requests, TrustStore trust) =>
{
    if (requests.Find(id) is not { } request) return Results.Redirect("/online");
    var link = request.WalletLink(trust.Options.Wallet, OnlineAsk.EidVct(trust));
    return Page<OnlineRequestPage>(http, new()
    {
        ["Link"] = link, ["Qr"] = OnlineAsk.QrImage(link), ["StateUrl"] = $"/online/{id}/state", ["ResultUrl"] = $"/online/{id}/result",
    });
});
app.MapGet("/online/{id}/state", (string id, OnlineRequests requests) => TypedResults.Json(new AnswerState(requests.Find(id)?.Result is not null)));
app.MapGet("/online/{id}/result", (string id, HttpContext http, OnlineRequests requests) => requests.Find(id)?.Result is { } result
    ? Page<ResultPage>(http, new() { ["Result"] = result })
    : Results.Redirect($"/online/{id}"));
// The wallet's answer (direct_post): a stranger's input, taken once, for an open request only.
app.MapPost("/online/response", async (HttpContext http, OnlineRequests requests, PresentationCheck check) =>
{
    var form = await http.Request.ReadFormAsync();
    if (requests.Unanswered(form["state"].ToString()) is not { } request)
        return Page<CheckPage>(http, new() { ["Problem"] = new Words("Yêu cầu này không còn chờ câu trả lời.", "This request no longer waits for an answer.") },
            StatusCodes.Status400BadRequest);
    var refused = form["error"] == "access_denied";
    request.Result = refused ? PresentationCheck.Refused() : await check.CheckAsync(OnlineAsk.Presentation(form["vp_token"].ToString()) ?? "", new Expectation(request.ClientId, request.Nonce));
    return Page<SentPage>(http, new() { ["Refused"] = refused });
}).DisableAntiforgery();

app.Run();

static async Task<string?> ReadAsync(IFormFile image)
{
    if (image.Length is 0 or > QrInput.MaxImageBytes) return null;
    using var bytes = new MemoryStream();
    await image.CopyToAsync(bytes);
    return QrInput.Read(bytes.ToArray());
}

static RazorComponentResult Page<TPage>(HttpContext http, Dictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
    where TPage : IComponent => new RazorComponentResult<TPage>(parameters) { StatusCode = status };

internal sealed record FoundText(string Text);

internal sealed record AnswerState(bool Answered);
