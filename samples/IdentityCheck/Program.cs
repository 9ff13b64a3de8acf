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
app.MapPost("/check/text", async ([FromForm] string text, HttpContext http, PresentationCheck check) =>
    Page<ResultPage>(http, new() { ["Result"] = await check.CheckAsync(text) }));
// The camera's frames: the text of a QR found in one, or nothing yet.
app.MapPost("/check/frame", async Task<Results<JsonHttpResult<FoundText>, NoContent>> (IFormFile image) =>
    await ReadAsync(image) is { } text ? TypedResults.Json(new FoundText(text)) : TypedResults.NoContent());
app.MapGet("/trust", (HttpContext http) => Page<TrustPage>(http, []));
app.MapPost("/trust/refresh", async (TrustStore trust) =>
{
    await trust.RefreshAsync();
    return Results.Redirect("/trust");
});
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
