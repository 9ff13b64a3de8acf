using System.Security.Claims;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Passkeys;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Security;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleEndpoints;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The console's "Khoá truy cập": the account's passkeys, named, renamed and removed; a new one created on this device.
/// A level-2 account first proves the phone on record with a code on this session (sent and confirmed here).
/// </summary>
public static class ConsolePasskeys
{
    public static RouteGroupBuilder MapConsolePasskeys(this RouteGroupBuilder console)
    {
        console.MapGet("/passkeys", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, PasskeyCeremonies ceremonies, string? done, string? code) =>
            PageAsync(http, user, cluster, ceremonies, Words(http, done), null, code == "sent"));
        console.MapPost("/passkeys", AddAsync);
        console.MapPost("/passkeys/code", SendCodeAsync);
        console.MapPost("/passkeys/code/confirm", ConfirmCodeAsync);
        console.MapPost("/passkeys/{handle}/rename", RenameAsync);
        console.MapPost("/passkeys/{handle}/remove", RemoveAsync);
        return console;
    }

    private static async Task<IResult> PageAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, PasskeyCeremonies ceremonies,
        string? done, string? error, bool codeSent)
    {
        var (page, view, account) = Open(http, user, cluster);
        var session = SessionOf(user)!;
        var passkeys = await account.GetPasskeysAsync(session);
        string? options = null, unavailable = null;
        var codeNeeded = false;
        if (ceremonies.Party is not { } party)
            unavailable = T(http, "Khoá truy cập chỉ dùng được trên địa chỉ có tên miền (ví dụ http://localhost:8080), không dùng được trên địa chỉ IP.",
                "Passkeys work only on an address with a domain name (such as http://localhost:8080), not on an IP address.");
        else
        {
            var created = await account.PasskeyCreationOptionsAsync(session, party, ceremonies.Issue(PasskeyPurpose.Register, session));
            options = created.Value;
            codeNeeded = created.Error?.Code == ErrorCatalogue.FreshCodeRequired.Code;
            if (created.Error is { } refusal && !codeNeeded) unavailable = PageWords.Refusal(http, refusal);
        }
        return Render<PasskeysPage>(http, view, new()
        {
            ["Passkeys"] = passkeys.Select(p => new PasskeyRow(p.Handle, p.Name, ConsoleWords.When(p.AddedAt),
                p.LastUsedAt is { } used ? ConsoleWords.When(used) : page.T("Chưa dùng", "Not yet"),
                p.Synced ? page.T("Đồng bộ giữa các thiết bị", "Synced across devices") : page.T("Gắn với một thiết bị", "Bound to one device"))).ToList(),
            ["CreationOptions"] = options, ["CodeNeeded"] = codeNeeded, ["CodeSent"] = codeNeeded && codeSent, ["Unavailable"] = unavailable,
            ["Done"] = done, ["Error"] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> AddAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, PasskeyCeremonies ceremonies)
    {
        var session = SessionOf(user)!;
        var form = http.Request.Form;
        var name = form["name"].ToString();
        if (ceremonies.Party is not { } party ||
            await ceremonies.OpenAsync(form["credential"].ToString(), PasskeyPurpose.Register, session, cluster) is not { } answer)
            return await PageAsync(http, user, cluster, ceremonies, null, PageWords.Refusal(http, ErrorCatalogue.PasskeyInvalid.Refuse()), false);
        var added = await cluster.Account(AccountOf(user)!).AddPasskeyAsync(session, party, answer, StorableText.IsStorable(name) ? name : "");
        return added.Succeeded
            ? Back(http, "/passkeys", "done=added")
            : await PageAsync(http, user, cluster, ceremonies, null, PageWords.Refusal(http, added.Error!), false);
    }

    private static async Task<IResult> SendCodeAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, PasskeyCeremonies ceremonies) =>
        await ConsoleFreshCode.SendAsync(http, user, cluster) is { } refused
            ? await PageAsync(http, user, cluster, ceremonies, null, refused, false)
            : Back(http, "/passkeys", "code=sent");

    private static async Task<IResult> ConfirmCodeAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, PasskeyCeremonies ceremonies) =>
        await ConsoleFreshCode.ConfirmAsync(http, user, cluster) is { } refused
            ? await PageAsync(http, user, cluster, ceremonies, null, refused, true)
            : Back(http, "/passkeys", "done=code");

    private static async Task<IResult> RenameAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string handle)
    {
        var name = http.Request.Form["name"].ToString();
        var renamed = handle.Length <= 1400 && StorableText.IsStorable(name) && name.Trim().Length > 0 &&
                      await cluster.Account(AccountOf(user)!).RenamePasskeyAsync(SessionOf(user)!, handle, name);
        return Back(http, "/passkeys", renamed ? "done=renamed" : "done=unchanged");
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string handle)
    {
        var removed = handle.Length <= 1400 && await cluster.Account(AccountOf(user)!).RemovePasskeyAsync(SessionOf(user)!, handle);
        return Back(http, "/passkeys", removed ? "done=removed" : "done=unchanged");
    }

    private static string? Words(HttpContext http, string? done) => done switch
    {
        "added" => T(http, "Đã thêm khoá truy cập. Lần sau bạn có thể đăng nhập bằng khoá này.", "The passkey is added. Next time you can sign in with it."),
        "removed" => T(http, "Đã xoá khoá truy cập.", "The passkey is removed."),
        "renamed" => T(http, "Đã đổi tên khoá truy cập.", "The passkey is renamed."),
        "code" => T(http, "Đã xác nhận mã: bạn có thể thêm khoá truy cập trong 10 phút.", "Code confirmed: you can add a passkey in the next 10 minutes."),
        "unchanged" => T(http, "Không có thay đổi.", "Nothing changed."),
        _ => null,
    };
}
