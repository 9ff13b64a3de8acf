using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.FirstSteps;

namespace Orleans.VNeID.Gateway.FirstSteps;

/// <summary>
/// The citizen's first steps as pages, standing in for the app: register a level-1 account (declare, then the code and a
/// password) and the forgotten password (the details and the phone or e-mail on record, then the code and a new password).
/// Each form is held to the API's own request rules and budgets, and every answer that must not tell whether an account
/// exists is the API's answer, word for word.
/// </summary>
public static class FirstStepPages
{
    public static IEndpointRouteBuilder MapFirstStepPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription().AddEndpointFilter(WebForms.RequireOwnForm);
        pages.MapGet("/register", (HttpContext http) => WebPage.Render<RegisterPage>(http, new Dictionary<string, object?>()));
        pages.MapPost("/register", DeclareAsync).RequireRateLimiting(RateLimits.PerAddress);
        pages.MapGet("/register/activate", (HttpContext http, string? idNumber, IOptions<PasswordPolicyOptions> policy) =>
            Activate(http, policy.Value, Safe(idNumber), null, []));
        pages.MapPost("/register/activate", ActivateAsync).RequireRateLimiting(RateLimits.PerAddress);
        pages.MapPost("/register/resend", ResendAsync).RequireRateLimiting(RateLimits.PerAddress);
        pages.MapGet("/forgot-password", (HttpContext http) => WebPage.Render<ForgotPasswordPage>(http, new Dictionary<string, object?>()));
        pages.MapPost("/forgot-password", StartRecoveryAsync).RequireRateLimiting(RateLimits.PerAddress);
        pages.MapGet("/forgot-password/new", (HttpContext http, string? idNumber, IOptions<PasswordPolicyOptions> policy) =>
            NewPassword(http, policy.Value, Safe(idNumber), null, []));
        pages.MapPost("/forgot-password/new", CompleteRecoveryAsync).RequireRateLimiting(RateLimits.PerAddress);
        return app;
    }

    private static async Task<IResult> DeclareAsync(HttpContext http, IClusterClient cluster, RegistryMismatchBudget mismatches, IOptions<PasswordPolicyOptions> policy)
    {
        var form = http.Request.Form;
        var request = new DeclareAccountRequest(Field(form, "idNumber"), Field(form, "fullName"), Date(Field(form, "dateOfBirth")),
            Field(form, "gender") switch { "male" => Gender.Male, "female" => Gender.Female, _ => null }, Field(form, "phone"));
        IResult Again(IReadOnlyList<FieldError> errors) => WebPage.Render<RegisterPage>(http, new Dictionary<string, object?>
        {
            ["Errors"] = errors, ["IdNumber"] = Safe(request.IdNumber), ["FullName"] = Safe(request.FullName),
            ["DateOfBirth"] = Safe(Field(form, "dateOfBirth")), ["Gender"] = Safe(Field(form, "gender")), ["Phone"] = Safe(request.Phone),
        }, StatusCodes.Status400BadRequest);

        var failing = await FormRules.FailingAsync(http, request);
        if (failing.Count > 0) return Again(FieldErrors(http, failing));
        if (mismatches.Exhausted(http)) return Again([new(null, PageWords.Refusal(http, ErrorCatalogue.DeclarationAttemptsExceeded.Refuse(mismatches.Window)))]);
        if (await RateLimits.AccountBudgetSpentAsync(http, request.IdNumber!) is { } wait) return Again([new(null, PageWords.Wait(http, wait))]);
        var result = await cluster.Account(await cluster.AccountKeyAsync(request.IdNumber!)).DeclareAsync(
            new DeclareAccount(request.FullName!.Trim(), request.DateOfBirth!.Value, request.Gender!.Value, request.Phone?.Trim()));
        if (result.Error?.Code == ErrorCatalogue.RegistryMismatch.Code) mismatches.Count(http);
        if (result.Error is { } refusal) return Again([new(null, PageWords.Refusal(http, refusal))]);
        // The API's answer, the same whether or not the ID number already had an account (its owner is told).
        return Activate(http, policy.Value, request.IdNumber, PageWords.T(http,
            $"Thông tin khai báo khớp với Cơ sở dữ liệu quốc gia về dân cư (người nước ngoài: Cơ sở dữ liệu về xuất nhập cảnh). Mã kích hoạt đã được gửi đến số điện thoại đăng ký ở đó; mã có hiệu lực trong {result.Value / 60} phút.",
            $"The declaration matches the population database (a foreigner's: the immigration database). An activation code has been sent to the phone on record; it is valid for {result.Value / 60} minutes."), []);
    }

    private static async Task<IResult> ActivateAsync(HttpContext http, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var form = http.Request.Form;
        var idNumber = Field(form, "idNumber");
        var request = new ActivateAccountRequest(Field(form, "code"), Field(form, "password") ?? "");
        var failing = await FormRules.FailingAsync(http, request);
        if (!IdentityNumber.TryParse(idNumber, out _, out _)) failing = failing.Append("idNumber").ToHashSet();
        if (failing.Count > 0) return Activate(http, policy.Value, Safe(idNumber), null, FieldErrors(http, failing, passwordField: "password"));
        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber!) is { } wait) return Activate(http, policy.Value, idNumber, null, [new(null, PageWords.Wait(http, wait))]);
        var result = await cluster.Account(idNumber!).ActivateAsync(request.Otp!, request.Password!);
        if (result.Error is { } refusal) return Activate(http, policy.Value, idNumber, null, [new("code", PageWords.Refusal(http, refusal))]);
        return WebPage.Render<FirstStepDonePage>(http, new Dictionary<string, object?>
        {
            ["Title"] = PageWords.T(http, "Tài khoản đã được kích hoạt", "The account is activated"),
            ["Message"] = PageWords.T(http, "Tài khoản định danh điện tử mức độ 1 của bạn đã sẵn sàng. Đăng nhập bằng số định danh và mật khẩu vừa đặt.",
                "Your level-1 e-ID account is ready. Sign in with your ID number and the password you chose."),
        });
    }

    private static async Task<IResult> ResendAsync(HttpContext http, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var idNumber = Field(http.Request.Form, "idNumber");
        if (!IdentityNumber.TryParse(idNumber, out _, out _))
            return Activate(http, policy.Value, Safe(idNumber), null, FieldErrors(http, new HashSet<string> { "idNumber" }));
        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber!) is { } wait) return Activate(http, policy.Value, idNumber, null, [new(null, PageWords.Wait(http, wait))]);
        await cluster.Account(idNumber!).ResendOtpAsync();
        return Activate(http, policy.Value, idNumber, PageWords.T(http,
            "Nếu có tài khoản với số định danh này đang chờ kích hoạt, mã mới đã được gửi đến số điện thoại đăng ký.",
            "If an account with this ID number is waiting for activation, a new code has been sent to the phone on record."), []);
    }

    private static async Task<IResult> StartRecoveryAsync(HttpContext http, IClusterClient cluster, RecoveryMismatchBudget mismatches, IOptions<PasswordPolicyOptions> policy)
    {
        var form = http.Request.Form;
        var request = new StartRecoveryRequest(Field(form, "idNumber"), Field(form, "phone"), Field(form, "fullName"), Date(Field(form, "dateOfBirth")),
            Date(Field(form, "cardIssuedOn")), Field(form, "email"));
        var failing = await FormRules.FailingAsync(http, request);
        IResult Again(IReadOnlyList<FieldError> errors) => WebPage.Render<ForgotPasswordPage>(http, new Dictionary<string, object?>
        {
            ["Errors"] = errors, ["IdNumber"] = Safe(request.IdNumber), ["FullName"] = Safe(request.FullName), ["DateOfBirth"] = Safe(Field(form, "dateOfBirth")),
            ["Phone"] = Safe(request.Phone), ["Email"] = Safe(request.Email), ["CardIssuedOn"] = Safe(Field(form, "cardIssuedOn")),
        }, StatusCodes.Status400BadRequest);
        if (failing.Count > 0) return Again(FieldErrors(http, failing));
        if (mismatches.Exhausted(http)) return Again([new(null, PageWords.Refusal(http, ErrorCatalogue.RecoveryAttemptsExceeded.Refuse(mismatches.Window)))]);
        if (await RateLimits.AccountBudgetSpentAsync(http, request.IdNumber!) is { } wait) return Again([new(null, PageWords.Wait(http, wait))]);
        var matched = await cluster.Account(await cluster.AccountKeyAsync(request.IdNumber!)).StartRecoveryAsync(new StartRecovery(
            request.Phone, request.FullName!, request.DateOfBirth!.Value, request.CardIssuedOn, request.Email?.Trim()));
        if (matched.Value is false) mismatches.Count(http);
        return NewPassword(http, policy.Value, request.IdNumber, PageWords.T(http,
            "Nếu thông tin khớp với một tài khoản đang hoạt động, mã khôi phục đã được gửi đến số điện thoại đăng ký hoặc thư điện tử đã xác nhận của tài khoản.",
            "If the details match an active account, a recovery code has been sent to its registered phone or confirmed e-mail address."), []);
    }

    private static async Task<IResult> CompleteRecoveryAsync(HttpContext http, IClusterClient cluster, IOptions<PasswordPolicyOptions> policy)
    {
        var form = http.Request.Form;
        var idNumber = Field(form, "idNumber");
        var request = new CompleteRecoveryRequest(Field(form, "code"), Field(form, "password") ?? "");
        var failing = (await FormRules.FailingAsync(http, request)).Select(f => f.Equals("newPassword", StringComparison.OrdinalIgnoreCase) ? "password" : f == "Otp" ? "code" : f).ToHashSet();
        if (!IdentityNumber.TryParse(idNumber, out _, out _)) failing.Add("idNumber");
        if (failing.Count > 0) return NewPassword(http, policy.Value, Safe(idNumber), null, FieldErrors(http, failing, passwordField: "password"));
        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber!) is { } wait) return NewPassword(http, policy.Value, idNumber, null, [new(null, PageWords.Wait(http, wait))]);
        var result = await cluster.Account(await cluster.AccountKeyAsync(idNumber!)).CompleteRecoveryAsync(request.Otp!, request.NewPassword!, form["removePasskeys"] == "yes");
        if (result.Error is { } refusal) return NewPassword(http, policy.Value, idNumber, null, [new("code", PageWords.Refusal(http, refusal))]);
        return WebPage.Render<FirstStepDonePage>(http, new Dictionary<string, object?>
        {
            ["Title"] = PageWords.T(http, "Đã đặt mật khẩu mới", "The new password is set"),
            ["Message"] = PageWords.T(http, "Mọi phiên đăng nhập cũ đã kết thúc. Đăng nhập bằng mật khẩu mới.", "Every earlier session has ended. Sign in with the new password."),
        });
    }

    private static IResult Activate(HttpContext http, PasswordPolicyOptions policy, string? idNumber, string? message, IReadOnlyList<FieldError> errors) =>
        WebPage.Render<ActivatePage>(http, new Dictionary<string, object?>
        {
            ["IdNumber"] = idNumber, ["Message"] = message, ["Errors"] = errors,
            ["PasswordMin"] = policy.MinLength, ["PasswordMax"] = policy.MaxLength, ["PasswordSpecial"] = policy.SpecialCharacters,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static IResult NewPassword(HttpContext http, PasswordPolicyOptions policy, string? idNumber, string? message, IReadOnlyList<FieldError> errors) =>
        WebPage.Render<NewPasswordPage>(http, new Dictionary<string, object?>
        {
            ["IdNumber"] = idNumber, ["Message"] = message, ["Errors"] = errors,
            ["PasswordMin"] = policy.MinLength, ["PasswordMax"] = policy.MaxLength, ["PasswordSpecial"] = policy.SpecialCharacters,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    /// <summary>Each failing field of the API's request, named as the page's input and said in the page's language.</summary>
    private static IReadOnlyList<FieldError> FieldErrors(HttpContext http, IEnumerable<string> failing, string passwordField = "password") =>
        [.. failing.Select(f => f.ToLowerInvariant() switch
        {
            "idnumber" => new FieldError("idNumber", PageWords.T(http, "Số định danh cá nhân gồm 12 chữ số (người nước ngoài: mã nước và số hộ chiếu).", "The personal ID number has 12 digits (a foreigner: country code and passport number).")),
            "fullname" => new FieldError("fullName", PageWords.T(http, "Nhập họ, chữ đệm và tên như trong cơ sở dữ liệu dân cư.", "Enter the full name as the population database holds it.")),
            "dateofbirth" => new FieldError("dateOfBirth", PageWords.T(http, "Nhập ngày sinh.", "Enter the date of birth.")),
            "gender" => new FieldError("gender", PageWords.T(http, "Chọn giới tính.", "Choose the gender.")),
            "phone" => new FieldError("phone", PageWords.T(http, "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.", "A phone number has 10 digits and starts with 0.")),
            "email" => new FieldError("email", PageWords.T(http, "Thư điện tử không hợp lệ.", "The e-mail address is not valid.")),
            "cardissuedon" => new FieldError("cardIssuedOn", PageWords.T(http, "Nhập ngày cấp thẻ căn cước khi dùng số điện thoại.", "Enter the ID card's issue date when you use the phone.")),
            "otp" or "code" => new FieldError("code", PageWords.T(http, "Mã gồm 6 chữ số.", "The code has 6 digits.")),
            "password" or "newpassword" => new FieldError(passwordField, PageWords.T(http, "Mật khẩu chưa đáp ứng các quy tắc bên dưới.", "The password does not meet the rules below.")),
            _ => new FieldError(null, PageWords.T(http, "Có thông tin chưa hợp lệ.", "Some information is not valid.")),
        }).DistinctBy(e => e.Field)];

    private static string? Field(IFormCollection form, string name) => form[name].FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;

    private static DateOnly? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>A value typed back into a page: only text the platform would store (no control characters), and not too long.</summary>
    private static string? Safe(string? value) => value is { Length: <= 100 } && StorableText.IsStorable(value) ? value : null;
}
