using System.Globalization;
using System.Security.Claims;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Desk;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.Desk;

/// <summary>Recovery at the office from the desk: the API's office recovery (its match, budgets and second officer), as a page.</summary>
public static class DeskRecovery
{
    public static IResult Page(HttpContext http, DeskOfficer officer, IHostEnvironment environment, (string? IdNumber, string? Phone)? values,
        DeskCapture capture, IReadOnlyList<FieldError> errors, string? done) =>
        WebPage.Render<OfficeRecoveryPage>(http, new Dictionary<string, object?>
        {
            ["Officer"] = officer, ["IdNumber"] = values?.IdNumber, ["Phone"] = values?.Phone, ["Capture"] = capture,
            ["SimulatedDevices"] = environment.IsDevelopment(), ["Errors"] = errors, ["Done"] = done,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    public static async Task<IResult> RecoverAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IHostEnvironment environment)
    {
        var form = http.Request.Form;
        string? F(string name) => DeskEndpoints.Field(form, name);
        var officer = DeskEndpoints.Officer(user);
        var values = (F("idNumber"), F("phone"));
        var capture = DeskEndpoints.CaptureOf(F);
        if (F("action") == "capture")
            return await DeskEndpoints.CaptureAsync(http, cluster, environment, values.Item1, officer) is { } taken
                ? Page(http, officer, environment, values, taken, [], null)
                : Page(http, officer, environment, values, capture, [new("idNumber", T(http,
                    "Thiết bị không thu nhận được (số định danh chưa có mẫu sinh trắc học).", "The devices captured nothing (no templates are enrolled for this ID number)."))], null);
        var request = new OfficeRecoveryRequest(values.Item1, capture.PortraitTemplate, capture.FingerprintTemplate, values.Item2, capture.DeviceId,
            DateTimeOffset.TryParse(capture.CapturedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null, capture.DeviceSignature);
        var failing = await FormRules.FailingAsync(http, request);
        if (failing.Count > 0)
            return Page(http, officer, environment, values, capture, [.. failing.Select(f => f.ToLowerInvariant() switch
            {
                "idnumber" => new FieldError("idNumber", T(http, "Số định danh cá nhân không hợp lệ.", "The personal ID number is not valid.")),
                "phone" => new FieldError("phone", T(http, "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.", "A phone number has 10 digits and starts with 0.")),
                _ => new FieldError(null, T(http, "Chưa thu nhận ảnh chân dung và vân tay từ thiết bị của cơ quan.", "The portrait and fingerprint have not been captured by the office's devices.")),
            }).DistinctBy(e => e.Message)], null);
        var result = await cluster.GetGrain<IOfficeRecoveryGrain>(officer.Office).RecoverAsync(user.ToActor(), officer.Office, request.ToCommand());
        if (result.Value is not { } receipt) return Page(http, officer, environment, values, DeskCapture.None, [new(null, Refusal(http, result.Error!))], null);
        return Page(http, officer, environment, null, DeskCapture.None, [], receipt.AwaitingSecondOfficer
            ? T(http, "Sinh trắc học khớp. Số điện thoại mới chờ một cán bộ khác của cơ quan xác nhận; số cũ đã được báo.",
                "The biometrics match. The new phone waits for another officer of the office to confirm it; the old phone has been told.")
            : T(http, $"Sinh trắc học khớp. Mã khôi phục đã được gửi đến {receipt.CodeSentTo}; công dân đặt mật khẩu mới tại trang “Quên mật khẩu”.",
                $"The biometrics match. The recovery code was sent to {receipt.CodeSentTo}; the citizen sets a new password on the “Forgotten password” page."));
    }
}
