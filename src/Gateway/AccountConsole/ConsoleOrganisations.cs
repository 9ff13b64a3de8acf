using System.Globalization;
using System.Security.Claims;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Organisations;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleEndpoints;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The console's "Tổ chức": the organisations the citizen acts for; registering one as its legal representative;
/// activating it after a code to the representative's phone; locking and unlocking; authorising people and withdrawing
/// authorisations; the organisation's trail. Every rule is the organisation grain's; this only shows and asks.
/// </summary>
public static class ConsoleOrganisations
{
    public static RouteGroupBuilder MapConsoleOrganisations(this RouteGroupBuilder console)
    {
        console.MapGet("/organisations", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? done) =>
            PageAsync(http, user, cluster, null, Words(http, done), null));
        console.MapGet("/organisations/{identifier}", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier, string? done, string? code) =>
            PageAsync(http, user, cluster, identifier, Words(http, done), null, codeSent: code == "sent"));
        console.MapPost("/organisations", RegisterAsync);
        console.MapPost("/organisations/{identifier}/activate", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier) =>
            ActAsync(http, user, cluster, identifier, "activated", (o, id, session) => o.ActivateAsync(id, session)));
        console.MapPost("/organisations/{identifier}/lock", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier) =>
            ActAsync(http, user, cluster, identifier, "locked", (o, id, session) => o.LockAsync(id, session)));
        console.MapPost("/organisations/{identifier}/unlock", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier) =>
            ActAsync(http, user, cluster, identifier, "unlocked", (o, id, session) => o.UnlockAsync(id, session)));
        console.MapPost("/organisations/{identifier}/grants", AuthoriseAsync);
        console.MapPost("/organisations/{identifier}/grants/{grantId}/withdraw", (HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier, string grantId) =>
            ActAsync(http, user, cluster, identifier, "withdrawn", (o, id, session) => o.WithdrawAsync(id, session, grantId[..Math.Min(grantId.Length, 20)])));
        console.MapPost("/organisations/{identifier}/code", SendCodeAsync);
        console.MapPost("/organisations/{identifier}/code/confirm", ConfirmCodeAsync);
        return console;
    }

    private static async Task<IResult> PageAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? identifier, string? done,
        string? error, bool codeNeeded = false, bool codeSent = false)
    {
        var (page, view, _) = Open(http, user, cluster);
        var session = SessionOf(user)!;
        var idNumber = view.IdNumber;
        var rows = new List<OrganisationRow>();
        foreach (var candidate in await cluster.GetGrain<IOrganisationRolesGrain>(idNumber).CandidatesAsync())
            if ((await cluster.GetGrain<IOrganisationGrain>(candidate).GetAsync(idNumber, session)).Value is { } held)
                rows.Add(new OrganisationRow(held.Identifier, held.Name, RoleWords(page, held.Role), StatusWords(page, held.Status)));
        OrganisationDetail? detail = null;
        if (identifier is not null && OrganisationId.TryParse(identifier, out _) &&
            (await cluster.GetGrain<IOrganisationGrain>(identifier).GetAsync(idNumber, session)).Value is { } opened)
            detail = Detail(page, opened);
        else if (identifier is not null && error is null)
            error = PageWords.Refusal(http, ErrorCatalogue.OrganisationNotFound.Refuse());
        var today = Identity.VietnamTime.Today(TimeProvider.System);
        return Render<OrganisationsPage>(http, view, new()
        {
            ["Rows"] = rows, ["Detail"] = detail, ["CodeNeeded"] = codeNeeded, ["CodeSent"] = codeSent, ["Done"] = done, ["Error"] = error,
            ["Scopes"] = OrganisationScopes.All.Select(s => new ScopeChoice(s, ScopeWords(page, s))).ToList(),
            ["DefaultUntil"] = today.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster)
    {
        var identifier = http.Request.Form["identifier"].ToString().Trim();
        if (!OrganisationId.TryParse(identifier, out _))
            return await PageAsync(http, user, cluster, null, null, T(http, "Mã số doanh nghiệp gồm 10 chữ số (chi nhánh: thêm dấu gạch và 3 chữ số).",
                "An enterprise code has 10 digits (a branch: a hyphen and 3 more digits)."));
        return await ActAsync(http, user, cluster, identifier, "registered", (o, id, session) => o.RegisterAsync(id, session));
    }

    private static async Task<IResult> AuthoriseAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier)
    {
        var form = http.Request.Form;
        var employee = form["idNumber"].ToString().Trim();
        var scopes = form["scope"].Where(s => s is not null && OrganisationScopes.IsKnown(s)).Select(s => s!).ToArray();
        if (!Identity.PersonalIdNumber.TryParse(employee, out _, out _) || scopes.Length == 0 ||
            !DateOnly.TryParseExact(form["until"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until))
            return await PageAsync(http, user, cluster, identifier, null, T(http,
                "Hãy nhập số định danh cá nhân hợp lệ (12 chữ số), chọn ít nhất một phạm vi và ngày hết hiệu lực.",
                "Enter a valid personal ID number (12 digits), choose at least one scope and the last day."));
        return await ActAsync(http, user, cluster, identifier, "granted", (o, id, session) => o.AuthoriseAsync(id, session, employee, scopes, until));
    }

    private static async Task<IResult> ActAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier, string done,
        Func<IOrganisationGrain, string, string, Task<Result<OrganisationView>>> act)
    {
        if (!OrganisationId.TryParse(identifier, out _)) return await PageAsync(http, user, cluster, null, null, PageWords.Refusal(http, ErrorCatalogue.OrganisationNotFound.Refuse()));
        var result = await act(cluster.GetGrain<IOrganisationGrain>(identifier), AccountOf(user)!, SessionOf(user)!);
        if (result.Succeeded) return Back(http, $"/organisations/{identifier}", $"done={done}");
        var codeNeeded = result.Error!.Code == ErrorCatalogue.FreshCodeRequired.Code;
        return await PageAsync(http, user, cluster, identifier, null, codeNeeded ? null : PageWords.Refusal(http, result.Error), codeNeeded);
    }

    private static async Task<IResult> SendCodeAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier)
    {
        var refused = OrganisationId.TryParse(identifier, out _)
            ? await ConsoleFreshCode.SendAsync(http, user, cluster)
            : PageWords.Refusal(http, ErrorCatalogue.OrganisationNotFound.Refuse());
        return refused is null
            ? Back(http, $"/organisations/{identifier}", "code=sent")
            : await PageAsync(http, user, cluster, identifier, null, refused, true);
    }

    private static async Task<IResult> ConfirmCodeAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string identifier) =>
        await ConsoleFreshCode.ConfirmAsync(http, user, cluster) is { } refused
            ? await PageAsync(http, user, cluster, identifier, null, refused, codeSent: true)
            : await ActAsync(http, user, cluster, identifier, "activated", (o, id, session) => o.ActivateAsync(id, session));

    private static OrganisationDetail Detail(Orleans.VNeID.Web.PageContext page, OrganisationView o) => new(
        o.Identifier, o.Name, o.EnglishName, KindWords(page, o.Kind), o.HeadOffice, StatusWords(page, o.Status),
        o.Role == OrganisationRole.LegalRepresentative, o.Status == OrganisationStatus.PendingActivation, o.Status == OrganisationStatus.Active,
        o.Status == OrganisationStatus.Locked,
        o.Papers.Select(p => new DocumentRow(page.T("Giấy chứng nhận đăng ký", "Registration certificate"), p.Number, p.Issuer,
            page.T($"cấp ngày {p.IssuedOn:dd/MM/yyyy}", $"issued {p.IssuedOn:yyyy-MM-dd}"),
            page.T($"đối chiếu ngày {p.CheckedOn:dd/MM/yyyy}", $"checked {p.CheckedOn:yyyy-MM-dd}"))).ToList(),
        o.Grants.Select(g => new GrantRow(g.GrantId, g.IdNumber, string.Join(", ", g.Scopes.Select(s => ScopeWords(page, s))), ConsoleWords.Date(g.ExpiresOn),
            g.WithdrawnAt is null && g.ExpiresOn >= Identity.VietnamTime.Today(TimeProvider.System))).ToList(),
        o.Trail.Select(t => new HistoryRow(ConsoleWords.When(t.At), TrailWords(page, t),
            t.Actor == "register" ? page.T("Cơ sở dữ liệu đăng ký doanh nghiệp", "The business register") : t.Actor)).ToList());

    private static string TrailWords(Orleans.VNeID.Web.PageContext page, OrganisationTrailEntry entry)
    {
        var what = entry.Kind switch
        {
            OrganisationTrail.Registered => page.T("Đăng ký tài khoản của tổ chức (khớp với Cơ sở dữ liệu đăng ký doanh nghiệp)", "Registered the organisation's account (matched with the business register)"),
            OrganisationTrail.Activated => page.T("Kích hoạt tài khoản của tổ chức", "Activated the organisation's account"),
            OrganisationTrail.Locked => page.T("Khoá tài khoản của tổ chức", "Locked the organisation's account"),
            OrganisationTrail.Unlocked => page.T("Mở khoá tài khoản của tổ chức", "Unlocked the organisation's account"),
            OrganisationTrail.Authorised => page.T("Uỷ quyền", "Authorised"),
            OrganisationTrail.Withdrawn => page.T("Thu hồi uỷ quyền", "Withdrew an authorisation"),
            OrganisationTrail.RepresentativeChanged => page.T("Thay đổi người đại diện theo pháp luật trong Cơ sở dữ liệu đăng ký doanh nghiệp", "The business register changed the legal representative"),
            OrganisationTrail.SignedIn => page.T("Đăng nhập dịch vụ thay mặt tổ chức", "Signed in to a service for the organisation"),
            _ => entry.What,
        };
        return entry.Detail.Length > 0 ? $"{what}: {entry.Detail}" : what;
    }

    private static string RoleWords(Orleans.VNeID.Web.PageContext page, OrganisationRole role) => role == OrganisationRole.LegalRepresentative
        ? page.T("Người đại diện theo pháp luật", "Legal representative")
        : page.T("Được uỷ quyền", "Authorised");

    private static string StatusWords(Orleans.VNeID.Web.PageContext page, OrganisationStatus status) => status switch
    {
        OrganisationStatus.PendingActivation => page.T("Chờ kích hoạt", "Waiting for activation"),
        OrganisationStatus.Active => page.T("Đang hoạt động", "Active"),
        OrganisationStatus.Locked => page.T("Đã khoá", "Locked"),
        _ => page.T("Chưa đăng ký", "Not registered"),
    };

    private static string KindWords(Orleans.VNeID.Web.PageContext page, string kind) => kind switch
    {
        "enterprise" => page.T("Doanh nghiệp", "Enterprise"),
        "cooperative" => page.T("Hợp tác xã", "Cooperative"),
        "association" => page.T("Hội, tổ chức xã hội", "Association"),
        _ => page.T("Cơ quan, tổ chức", "Agency"),
    };

    internal static string ScopeWords(Orleans.VNeID.Web.PageContext page, string scope) => scope switch
    {
        OrganisationScopes.PublicServices => page.T("Dịch vụ công", "Public services"),
        OrganisationScopes.Tax => page.T("Thuế", "Tax"),
        OrganisationScopes.SocialInsurance => page.T("Bảo hiểm xã hội", "Social insurance"),
        _ => page.T("Ngân hàng", "Banking"),
    };

    private static string? Words(HttpContext http, string? done) => done switch
    {
        "registered" => T(http, "Đã đăng ký tài khoản của tổ chức. Hãy kích hoạt để bắt đầu sử dụng.", "The organisation's account is registered. Activate it to start using it."),
        "activated" => T(http, "Đã kích hoạt tài khoản của tổ chức.", "The organisation's account is active."),
        "locked" => T(http, "Đã khoá tài khoản của tổ chức: không ai đăng nhập thay mặt tổ chức được.", "The organisation's account is locked: nobody signs in for it."),
        "unlocked" => T(http, "Đã mở khoá tài khoản của tổ chức.", "The organisation's account is unlocked."),
        "granted" => T(http, "Đã uỷ quyền.", "The authorisation is given."),
        "withdrawn" => T(http, "Đã thu hồi uỷ quyền.", "The authorisation is withdrawn."),
        _ => null,
    };
}
