using Orleans.VNeID.ServiceDefaults;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Problems;
using static Orleans.VNeID.Gateway.Problems.PageWords;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Security;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The citizen account console ("Tài khoản định danh điện tử của tôi") at <c>/account</c>: each section a page, each
/// action a form that posts back (antiforgery checked) and returns to its section with what happened.
/// </summary>
public static class ConsoleEndpoints
{
    public static WebApplication MapAccountConsole(this WebApplication app)
    {
        if (!app.Configuration.Read<Orleans.VNeID.Gateway.IdentityProvider.OidcOptions>().Enabled) return app;
        app.MapGet(Home + "/signed-out", (HttpContext http, string? why) => (IResult)WebPage.Render<SignedOutPage>(http, new Dictionary<string, object?>
        {
            ["Locked"] = why == "locked", ["PasswordChanged"] = why == "password",
        })).ExcludeFromDescription();

        var console = app.MapGroup(Home).ExcludeFromDescription()
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser())
            .AddEndpointFilter(WebForms.RequireOwnForm);
        console.MapGet("/", OverviewAsync);
        console.MapGet("/notices", NoticesAsync);
        console.MapGet("/sessions", SessionsAsync);
        console.MapGet("/services", ServicesAsync);
        console.MapGet("/security", (HttpContext http, string? done, string? error, string? email, IOptions<PasswordPolicyOptions> policy) =>
            Security(http, policy.Value, Done(http, done), Error(http, error), email == "sent"));
        console.MapGet("/history", HistoryAsync);
        console.MapPost("/sign-out", SignOutAsync);
        console.MapPost("/sessions/{handle}/sign-out", SignOutSessionAsync);
        console.MapPost("/sessions/sign-out-everywhere", SignOutEverywhereAsync);
        console.MapPost("/services/{clientId}/withdraw", WithdrawAsync);
        console.MapPost("/password", ChangePasswordAsync);
        console.MapPost("/email", AddEmailAsync);
        console.MapPost("/email/confirm", ConfirmEmailAsync);
        console.MapPost("/lock", LockAsync);
        console.MapConsoleWallet();
        console.MapConsolePasskeys();
        console.MapConsoleOrganisations();
        console.MapConsoleQrApproval();
        return app;
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done)
    {
        var (page, view, account) = Open(http, user, cluster);
        var profile = await account.GetProfileAsync();
        var verification = await account.GetVerificationAsync();
        return Render<OverviewPage>(http, view, new()
        {
            ["Level"] = ConsoleWords.Level(page, view.Level), ["Status"] = ConsoleWords.Status(page, view.Status),
            ["Fields"] = profile is null ? Array.Empty<FieldRow>() : ConsoleWords.Fields(page, profile, IdentityNumber.Parse(view.IdNumber).IsCitizen),
            ["Verification"] = ConsoleWords.Verification(page, verification), ["Done"] = Done(http, done),
        });
    }

    private static async Task<IResult> NoticesAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var (_, view, account) = Open(http, user, cluster);
        var notices = await account.GetNoticesAsync(50) ?? [];
        return Render<NoticesPage>(http, view, new() { ["Notices"] = notices.Select(n => new NoticeRow(ConsoleWords.When(n.At), n.Text)).ToList() });
    }

    private static async Task<IResult> SessionsAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done)
    {
        var (page, view, account) = Open(http, user, cluster);
        var sessions = await account.GetSessionsAsync(SessionOf(user)!);
        return Render<SessionsPage>(http, view, new()
        {
            ["Sessions"] = sessions.Select(s => new SessionRow(s.Handle, ConsoleWords.When(s.OpenedAt),
                s.Device ?? page.T("Thiết bị không rõ", "Unknown device"), s.Current)).ToList(),
            ["Done"] = Done(http, done),
        });
    }

    private static async Task<IResult> ServicesAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done, string? error,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOptions<OidcOptions> oidc, CancellationToken cancellationToken)
    {
        var (page, view, _) = Open(http, user, cluster);
        var services = await ConnectedServices.ListForAsync(view.IdNumber, applications, authorizations, oidc.Value, cancellationToken);
        return Render<ServicesPage>(http, view, new()
        {
            ["Services"] = services.Select(s => new ServiceRow(s.ClientId, s.Name, s.Since is { } since ? ConsoleWords.When(since) : "—",
                s.Receives.Select(r => ConsoleWords.Receives(page, r)).ToList())).ToList(),
            ["Done"] = Done(http, done), ["Error"] = Error(http, error),
        });
    }

    private static IResult Security(HttpContext http, PasswordPolicyOptions policy, string? done, string? error, bool emailPending)
    {
        var view = ViewOf(http)!;
        return Render<SecurityPage>(http, view, new()
        {
            ["Email"] = view.Email, ["EmailPending"] = emailPending, ["Done"] = done, ["Error"] = error,
            ["PasswordMin"] = policy.MinLength, ["PasswordMax"] = policy.MaxLength, ["PasswordSpecial"] = policy.SpecialCharacters,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var (page, view, _) = Open(http, user, cluster);
        var trail = await cluster.GetGrain<IAuditTrailGrain>(0).ReadAsync(view.IdNumber);
        return Render<HistoryPage>(http, view, new()
        {
            ["History"] = trail.Entries.Reverse().Take(200).Select(e => ConsoleWords.History(page, e, view.IdNumber)).ToList(),
            ["Intact"] = trail.Intact,
        });
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.Account(AccountOf(user)!).LogOutAsync(SessionOf(user)!);
        return await EndedAsync(http, null);
    }

    private static async Task<IResult> SignOutSessionAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string handle)
    {
        var account = cluster.Account(AccountOf(user)!);
        var current = (await account.GetSessionsAsync(SessionOf(user)!)).FirstOrDefault(s => s.Current)?.Handle;
        await account.LogOutSessionAsync(SessionOf(user)!, handle);
        return handle == current ? await EndedAsync(http, null) : Back(http, "/sessions", "done=session");
    }

    private static async Task<IResult> SignOutEverywhereAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.Account(AccountOf(user)!).LogOutEverywhereAsync();
        return await EndedAsync(http, null);
    }

    private static async Task<IResult> WithdrawAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string clientId,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
        IOptions<OidcOptions> oidc, Npgsql.NpgsqlDataSource database, TimeProvider clock, CancellationToken cancellationToken)
    {
        var withdrawn = await ConnectedServices.WithdrawForAsync(AccountOf(user)!, clientId, applications, authorizations, tokens, oidc.Value, cluster,
            database, clock, cancellationToken);
        return Back(http, "/services", withdrawn ? "done=withdrawn" : "error=not-allowed");
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var form = http.Request.Form;
        var current = form["currentPassword"].ToString();
        var next = form["newPassword"].ToString();
        if (current.Length is 0 or > 128 || next.Length > 128 || !StorableText.IsStorable(current) || !StorableText.IsStorable(next))
            return Security(http, policy.Value, null, T(http, "Mật khẩu hiện tại không đúng.", "The current password is wrong."), false);
        var changed = await cluster.Account(AccountOf(user)!).ChangePasswordAsync(SessionOf(user)!, current, next);
        if (changed.Succeeded) return await EndedAsync(http, "password");
        var refusal = changed.Error!;
        var message = refusal.Code == ErrorCatalogue.ValidationFailed.Code
            ? T(http, "Mật khẩu mới chưa đáp ứng các quy tắc bên dưới.", "The new password does not meet the rules below.")
            : refusal.RetryAfterSeconds is { } wait
                ? T(http, $"Tạm thời không thể đổi mật khẩu; thử lại sau {wait} giây.", $"The password cannot be changed for a while; try again in {wait} seconds.")
                : refusal.Code == ErrorCatalogue.TokenRevoked.Code ? null
                : T(http, "Mật khẩu hiện tại không đúng.", "The current password is wrong.");
        return message is null ? await EndedAsync(http, null) : Security(http, policy.Value, null, message, false);
    }

    private static async Task<IResult> AddEmailAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var email = http.Request.Form["email"].ToString().Trim();
        if (!await FormRules.ValidAsync(http, new Accounts.AddEmailRequest(email)))
            return Security(http, policy.Value, null, T(http, "Địa chỉ thư điện tử không hợp lệ.", "The e-mail address is not valid."), false);
        var sent = await cluster.Account(AccountOf(user)!).RequestEmailAsync(email);
        return sent.Succeeded
            ? Back(http, "/security", "email=sent&done=email-sent")
            : Security(http, policy.Value, null, PageWords.Refusal(http, sent.Error!), false);
    }

    private static async Task<IResult> ConfirmEmailAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var code = http.Request.Form["code"].ToString().Trim();
        if (!OneTimeCode.IsWellFormed(code))
            return Security(http, policy.Value, null, T(http, "Mã xác nhận gồm 6 chữ số.", "The code has 6 digits."), true);
        var confirmed = await cluster.Account(AccountOf(user)!).ConfirmEmailAsync(code);
        return confirmed.Succeeded
            ? Back(http, "/security", "done=email")
            : Security(http, policy.Value, null, PageWords.Refusal(http, confirmed.Error!), true);
    }

    private static async Task<IResult> LockAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        if (http.Request.Form["confirm"] != "yes")
            return Security(http, policy.Value, null, T(http, "Hãy đánh dấu ô xác nhận để khóa tài khoản.", "Tick the confirmation box to lock the account."), false);
        var id = AccountOf(user)!;
        await cluster.Account(id).LockAsync(new Actor(ActorRole.Citizen, id), "locked by the owner from the account console (lost phone)");
        return await EndedAsync(http, "locked");
    }

    /// <summary>The console's session has ended (sign out, lock, password change): its cookie and the provider's go.</summary>
    private static async Task<IResult> EndedAsync(HttpContext http, string? why)
    {
        await http.SignOutAsync(CookieScheme);
        await http.SignOutAsync(ProviderSignIn.CookieScheme);
        var query = QueryString.Create([
            .. why is null ? [] : new[] { new KeyValuePair<string, string?>("why", why) },
            .. WebPage.English(http) ? new[] { new KeyValuePair<string, string?>("lang", "en") } : []]);
        return Results.Redirect(Home + "/signed-out" + query);
    }

    internal static (PageContext Page, AccountView View, ICitizenAccountGrain Account) Open(HttpContext http, ClaimsPrincipal user, IClusterClient cluster) =>
        (WebPage.Context(http), ViewOf(http)!, cluster.Account(AccountOf(user)!));

    internal static IResult Render<TPage>(HttpContext http, AccountView view, Dictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        parameters["Name"] = view.FullName;
        return WebPage.Render<TPage>(http, parameters, status);
    }

    internal static IResult Back(HttpContext http, string section, string query) =>
        Results.Redirect($"{Home}{section}?{query}{(WebPage.English(http) ? "&lang=en" : "")}");


    internal static string? Done(HttpContext http, string? done) => done switch
    {
        "session" => T(http, "Đã đăng xuất phiên đó.", "That session is signed out."),
        "integrated" => T(http, "Đã tích hợp giấy tờ vào ví sau khi đối chiếu với cơ quan quản lý.", "The paper is in the wallet, checked with its issuing register."),
        "withdrawn" => T(http, "Đã rút lại đồng ý; dịch vụ đã bị đăng xuất.", "Consent withdrawn; the service has been signed out."),
        "email-sent" => T(http, "Đã gửi mã xác nhận đến thư điện tử mới.", "A confirmation code was sent to the new address."),
        "email" => T(http, "Thư điện tử đã được xác nhận.", "The e-mail address is confirmed."),
        _ => null,
    };

    private static string? Error(HttpContext http, string? error) => error switch
    {
        "not-allowed" => T(http, "Bạn chưa cho phép dịch vụ này.", "You have not allowed this service."),
        _ => null,
    };
}
