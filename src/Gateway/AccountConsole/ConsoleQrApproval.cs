using System.Security.Claims;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleEndpoints;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The phone's side of a QR sign-in, in the console (the phone's browser stands in for the app): the scanned QR opens
/// <see cref="QrSignIn.PhonePath"/> with its code; signed in, the citizen sees the request and approves or refuses it.
/// </summary>
public static class ConsoleQrApproval
{
    public static RouteGroupBuilder MapConsoleQrApproval(this RouteGroupBuilder console)
    {
        console.MapGet("/qr", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? c) => ShowAsync(http, user, cluster, c));
        console.MapPost("/qr", DecideAsync);
        return console;
    }

    private static async Task<IResult> ShowAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? code)
    {
        var (page, view, _) = Open(http, user, cluster);
        var parsed = QrSignIn.ParseCode(code);
        var request = parsed is { } qr ? await cluster.GetGrain<IQrSignInGrain>(qr.Id).ShowAsync(qr.Secret) : null;
        return Render<QrApprovePage>(http, view, new()
        {
            ["Code"] = request is null ? "" : code, ["Service"] = request?.ServiceName, ["Device"] = request?.Device, ["Address"] = request?.Address,
            ["At"] = request is null ? null : ConsoleWords.When(request.RequestedAt),
            ["Receives"] = request is null ? Array.Empty<string>() : page.English ? request.ReceivesEnglish : request.Receives,
        }, request is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
    }

    private static async Task<IResult> DecideAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var (_, view, _) = Open(http, user, cluster);
        var form = http.Request.Form;
        var approve = form["decision"] == "approve";
        var status = QrSignIn.ParseCode(form["c"].ToString()) is { } qr
            ? await cluster.GetGrain<IQrSignInGrain>(qr.Id).DecideAsync(qr.Secret, approve, AccountOf(user)!, SessionOf(user)!)
            : QrSignInStatus.Expired;
        var (done, error) = status switch
        {
            QrSignInStatus.Approved when approve => (T(http, "Đã duyệt: máy tính sẽ tiếp tục đăng nhập trong giây lát.", "Approved: the computer goes on signing in in a moment."), null),
            QrSignInStatus.Refused when !approve => (T(http, "Đã từ chối: máy tính không được đăng nhập.", "Refused: the computer is not signed in."), null),
            _ => ((string?)null, T(http, "Mã QR này đã hết hạn hoặc đã được dùng; không có gì thay đổi.", "This QR has expired or was used; nothing changed.")),
        };
        return Render<QrApprovePage>(http, view, new() { ["Done"] = done, ["Error"] = error },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }
}
