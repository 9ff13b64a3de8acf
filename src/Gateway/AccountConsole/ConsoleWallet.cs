using System.Security.Claims;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Credentials;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleEndpoints;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The console's "Ví giấy tờ": the papers (and the children's), integrating a paper from its register, the browser
/// wallet's e-ID, its in-person QR and its answers to verifiers that ask over the network.
/// </summary>
public static class ConsoleWallet
{
    public static RouteGroupBuilder MapConsoleWallet(this RouteGroupBuilder console)
    {
        console.MapGet("/wallet", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done) => WalletAsync(http, user, cluster, Done(http, done), null));
        console.MapPost("/wallet/credential", ReceiveCredentialAsync);
        console.MapPost("/wallet/qr", InPersonQrImage);
        console.MapPost("/wallet/integrate", IntegrateAsync);
        console.MapGet(ConsolePresent.Path, ConsolePresent.Present);
        return console;
    }

    private static async Task<IResult> WalletAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done, string? error)
    {
        var (page, view, account) = Open(http, user, cluster);
        var level2 = view.Level == AccountLevel.Level2;
        var documents = level2 ? (await account.GetWalletAsync()).Value ?? [] : [];
        var children = level2 ? (await account.GetChildrenAsync()).Value ?? [] : [];
        return Render<WalletPage>(http, view, new()
        {
            ["Level2"] = level2,
            ["Issuer"] = http.RequestServices.GetService<CredentialKeys>() is null ? null : CredentialIssuer.Issuer(http.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value),
            ["Documents"] = documents.Select(d => ConsoleWords.Document(page, d)).ToList(),
            ["Kinds"] = DocumentNumbers.Registered.Select(k => new KeyValuePair<string, string>(k.ToString(), ConsoleWords.Kind(page, k))).ToList(),
            ["Done"] = done, ["Error"] = error,
            ["Children"] = children.Select(c => new ChildRow(c.FullName, c.IdNumber, ConsoleWords.Date(c.DateOfBirth), c.Dependent,
                c.Documents.Select(d => ConsoleWords.Document(page, d)).ToList())).ToList(),
        });
    }

    /// <summary>The browser wallet's request: the e-ID issued to the key this browser made (its proof in the form).</summary>
    private static async Task<IResult> ReceiveCredentialAsync(HttpContext http, ClaimsPrincipal user)
    {
        var proof = http.Request.Form["proof"].ToString();
        var (credential, refused) = await CredentialIssuer.IssueEidAsync(http, AccountOf(user)!, new CredentialProof("jwt", proof));
        return credential is not null
            ? Results.Json(new IssuedCredential(credential))
            : Results.Json(new { code = refused!.Code }, statusCode: refused.Status);
    }

    /// <summary>"Tích hợp thông tin": one of the owner's papers, from its issuing register.</summary>
    private static async Task<IResult> IntegrateAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var number = http.Request.Form["number"].ToString().Trim().ToUpperInvariant();
        if (!Enum.TryParse<DocumentKind>(http.Request.Form["kind"], out var kind) || !DocumentNumbers.Registered.Contains(kind) ||
            !DocumentNumbers.IsWellFormed(kind, number))
            return await WalletAsync(http, user, cluster, null, T(http, "Số giấy tờ không đúng dạng của loại giấy tờ đã chọn.", "The number does not have the form of the chosen paper."));
        var result = await cluster.Account(AccountOf(user)!).IntegrateFromRegisterAsync(kind, number);
        return result.Succeeded
            ? Back(http, "/wallet", "done=integrated")
            : await WalletAsync(http, user, cluster, null, PageWords.Refusal(http, result.Error!));
    }

    /// <summary>
    /// The QR of a presentation the browser wallet made and signed (what to show, chosen by the citizen, bound to this
    /// browser's key): drawn here because the browser has no QR library. The server adds nothing to it and keeps nothing.
    /// </summary>
    private static IResult InPersonQrImage(HttpContext http)
    {
        var presentation = http.Request.Form["presentation"].ToString();
        var text = InPersonQr.LooksLikePresentation(presentation) ? InPersonQr.Text(presentation) : null;
        return text is not null && InPersonQr.Png(text) is { } png
            ? Results.Json(new { image = "data:image/png;base64," + Convert.ToBase64String(png), characters = text.Length })
            : Results.Json(new { code = ErrorCatalogue.ValidationFailed.Code }, statusCode: ErrorCatalogue.ValidationFailed.Status);
    }
}
