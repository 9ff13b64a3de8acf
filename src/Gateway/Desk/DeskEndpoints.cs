using System.Globalization;
using System.Security.Claims;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Desk;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.Desk;

/// <summary>
/// The officer's reception desk ("Bàn tiếp nhận") at <c>/desk</c>: signed in with the officer's service account (the staff
/// sign-in), every action the API's own (the office desk grain's office hours and office checks, the dossier's second
/// person): receive a level-2 dossier and print its slip, the office's dossiers waiting for their card, look one up,
/// and recover a password with the citizen present.
/// </summary>
public static class DeskEndpoints
{
    public static WebApplication MapDesk(this WebApplication app)
    {
        app.MapStaffSignIn(StaffSignInPage.Desk);
        var desk = app.MapGroup(StaffSignInPage.Desk.Path).ExcludeFromDescription()
            .RequireAuthorization(Policies.Officer).AddEndpointFilter(WebForms.RequireOwnForm);
        desk.MapGet("/", QueueAsync);
        desk.MapPost("/dossiers/{dossierCode}/card-issued", CardIssuedAsync);
        desk.MapGet("/dossiers/new", (HttpContext http, ClaimsPrincipal user, IHostEnvironment environment) =>
            NewDossier(http, user, environment, new DossierForm(NewSubmissionId()), DeskCapture.None, [], null));
        desk.MapPost("/dossiers/new", ReceiveAsync);
        desk.MapGet("/dossiers", LookUpAsync);
        desk.MapGet("/recovery", (HttpContext http, ClaimsPrincipal user, IHostEnvironment environment) =>
            DeskRecovery.Page(http, Officer(user), environment, null, DeskCapture.None, [], null));
        desk.MapPost("/recovery", DeskRecovery.RecoverAsync);
        return app;
    }

    internal static DeskOfficer Officer(ClaimsPrincipal user) => new(user.Identity!.Name!, user.Office()!);

    /// <summary>The queue, with what the last confirmation did (<c>done</c>: a dossier code; <c>error</c>: a refusal's code).</summary>
    private static async Task<IResult> QueueAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, TimeProvider clock, string? done, string? error) =>
        await Queue(http, user, cluster, clock,
            DossierCode.TryParse(done, out var confirmed) ? T(http, $"Đã xác nhận cấp thẻ cho hồ sơ {confirmed.Value}.", $"The card of dossier {confirmed.Value} is confirmed.") : null,
            error is { Length: <= 40 } ? [new(null, Refusal(http, new Errors.Refusal(error, "")))] : []);

    private static async Task<IResult> Queue(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, TimeProvider clock, string? done,
        IReadOnlyList<FieldError> errors)
    {
        var officer = Officer(user);
        var today = VietnamTime.Today(clock);
        var open = await cluster.GetGrain<IOfficeDeskGrain>(officer.Office).ListOpenAsync();
        return WebPage.Render<QueuePage>(http, new Dictionary<string, object?>
        {
            ["Officer"] = officer, ["Done"] = done, ["Errors"] = errors,
            ["Rows"] = open.Select(d => new QueueRow(d.DossierCode, Date(d.AppointmentDate), DossierLookupPage.Status(http, d.Status), d.AppointmentDate < today)).ToList(),
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>A second person confirms a dossier's card; back to the queue with what happened (post, then get).</summary>
    private static async Task<IResult> CardIssuedAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string dossierCode)
    {
        var lang = WebPage.English(http) ? "&lang=en" : "";
        if (!DossierCode.TryParse(dossierCode, out var code)) return Results.Redirect($"/desk/?error={Errors.ErrorCatalogue.DossierNotFound.Code}{lang}");
        var result = await cluster.GetGrain<IDossierGrain>(code.Value).CardIssuedAsync(user.ToActor(), user.Office());
        return Results.Redirect(result.Succeeded ? $"/desk/?done={code.Value}{lang}" : $"/desk/?error={result.Error!.Code}{lang}");
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, IHostEnvironment environment)
    {
        var form = http.Request.Form;
        string? F(string name) => Field(form, name);
        var values = new DossierForm(F("submissionId") ?? NewSubmissionId(), F("idNumber"), F("hasChipCard") != "false", F("cardNumber"), F("phone"), F("email"),
            F("documentKind"), F("documentNumber"), F("documentIssuer"), F("documentValidFrom"), F("documentValidUntil"), F("dependents"), F("consentRecorded") == "true");
        var capture = CaptureOf(F);
        var officer = Officer(user);
        if (F("action") == "capture")
            return await CaptureAsync(http, cluster, environment, values.IdNumber, officer) is { } taken
                ? NewDossier(http, user, environment, values, taken, [], null)
                : NewDossier(http, user, environment, values, capture, [new("idNumber", T(http,
                    "Thiết bị không thu nhận được (số định danh chưa có mẫu sinh trắc học).", "The devices captured nothing (no templates are enrolled for this ID number)."))], null);

        DocumentRequest[] documents = values.DocumentKind is null ? [] :
        [
            new(Kind(values.DocumentKind), values.DocumentNumber, values.DocumentIssuer,
                Day(values.DocumentValidFrom), Day(values.DocumentValidUntil)),
        ];
        var request = new OpenDossierRequest(values.SubmissionId, values.IdNumber, values.HasChipCard, values.Phone, values.Email, documents,
            values.Dependents?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), values.Consent,
            capture.PortraitTemplate, capture.FingerprintTemplate, values.CardNumber, capture.DeviceId,
            DateTimeOffset.TryParse(capture.CapturedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null, capture.DeviceSignature);
        var failing = await FormRules.FailingAsync(http, request);
        if (failing.Count > 0) return NewDossier(http, user, environment, values, capture, DossierErrors(http, failing), null);
        var result = await cluster.GetGrain<IOfficeDeskGrain>(officer.Office).SubmitAsync(user.ToActor(), officer.Office, request.ToDossier(user.ToActor(), officer.Office));
        // The slip is a page of its own (post, then get): printed again, or read in the other language, without sending the form twice.
        return result.Value is { } receipt
            ? Results.Redirect($"/desk/dossiers?code={receipt.DossierCode}{(WebPage.English(http) ? "&lang=en" : "")}")
            : NewDossier(http, user, environment, values, capture, [new(null, Refusal(http, result.Error!))], null);
    }

    private static async Task<IResult> LookUpAsync(HttpContext http, ClaimsPrincipal user, IClusterClient cluster, string? code)
    {
        var officer = Officer(user);
        IResult Page(IReadOnlyList<FieldError> errors) => WebPage.Render<DeskLookupPage>(http, new Dictionary<string, object?>
        {
            ["Officer"] = officer, ["Code"] = code is { Length: <= 30 } && StorableText.IsStorable(code) ? code : null, ["Errors"] = errors,
        }, errors.Count > 0 ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        if (string.IsNullOrWhiteSpace(code)) return Page([]);
        // An officer reads the slips of their own office only.
        if (!DossierCode.TryParse(code.Trim(), out var parsed) || await cluster.GetGrain<IDossierGrain>(parsed.Value).GetReceiptAsync() is not { } receipt ||
            receipt.OfficeCode != officer.Office)
            return Page([new("code", T(http, "Cơ quan này không có hồ sơ với mã đó.", "This office has no dossier with that code."))]);
        return Receipt(http, officer, receipt);
    }

    /// <summary>What the office's simulated devices capture of the citizen (Development only; real devices fill the form themselves).</summary>
    internal static async Task<DeskCapture?> CaptureAsync(HttpContext http, IClusterClient cluster, IHostEnvironment environment, string? idNumber, DeskOfficer officer)
    {
        if (!environment.IsDevelopment() || !IdentityNumber.TryParse(idNumber, out _, out _)) return null;
        var capture = await cluster.GetGrain<ICaptureDeviceSimulatorGrain>(0).CaptureAsync(idNumber!, 0.1, officer.Office);
        return capture is null ? null : new DeskCapture(capture.PortraitTemplate, capture.FingerprintTemplate, capture.DeviceId,
            capture.CapturedAt.ToString("O", CultureInfo.InvariantCulture), capture.DeviceSignature);
    }

    /// <summary>A desk form's field as typed: trimmed, only text the platform would store, none when empty or too long.</summary>
    internal static string? Field(IFormCollection form, string name) =>
        form[name].FirstOrDefault() is { Length: > 0 and <= 4000 } value && StorableText.IsStorable(value) ? value.Trim() : null;

    internal static DeskCapture CaptureOf(Func<string, string?> field) =>
        new(field("portraitTemplate"), field("fingerprintTemplate"), field("deviceId"), field("capturedAt"), field("deviceSignature"));

    private static IResult NewDossier(HttpContext http, ClaimsPrincipal user, IHostEnvironment environment, DossierForm form, DeskCapture capture,
        IReadOnlyList<FieldError> errors, string? done) =>
        WebPage.Render<NewDossierPage>(http, new Dictionary<string, object?>
        {
            ["Officer"] = Officer(user), ["Form"] = form, ["Capture"] = capture, ["SimulatedDevices"] = environment.IsDevelopment(),
            ["Errors"] = errors, ["Done"] = done,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);

    private static IResult Receipt(HttpContext http, DeskOfficer officer, DossierReceipt receipt) =>
        WebPage.Render<ReceiptPage>(http, new Dictionary<string, object?>
        {
            ["Officer"] = officer,
            ["Receipt"] = new ReceiptView(receipt.DossierCode, receipt.SecurityCode, receipt.OfficeCode,
                receipt.ReceivedAt.ToOffset(VietnamTime.Offset).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture), Date(receipt.AppointmentDate),
                DossierLookupPage.Status(http, receipt.Status), receipt.Reason),
        });

    private static IReadOnlyList<FieldError> DossierErrors(HttpContext http, IEnumerable<string> failing) =>
        [.. failing.Select(f => f.Split('[')[0].Split('.')[0].ToLowerInvariant() switch
        {
            "idnumber" => new FieldError("idNumber", T(http, "Số định danh cá nhân không hợp lệ.", "The personal ID number is not valid.")),
            "cardnumber" => new FieldError("cardNumber", T(http, "Số thẻ gồm 9 đến 12 chữ số (người nước ngoài: số hộ chiếu).", "A card number has 9 to 12 digits (a foreigner: the passport number).")),
            "phone" or "email" => new FieldError("phone", T(http, "Cần số điện thoại hoặc thư điện tử hợp lệ để gửi mã kích hoạt.", "A valid phone or e-mail is needed for the activation code.")),
            "documents" => new FieldError("documentNumber", T(http, "Giấy tờ cần số và cơ quan cấp hợp lệ.", "The paper needs a valid number and issuer.")),
            "dependents" => new FieldError("dependents", T(http, "Người phụ thuộc được ghi bằng số định danh cá nhân hợp lệ.", "A dependent is named by a valid personal ID number.")),
            "consentrecorded" => new FieldError(null, T(http, "Cần ghi nhận sự đồng ý của công dân.", "The citizen's consent must be recorded.")),
            _ => new FieldError(null, T(http, "Chưa thu nhận ảnh chân dung và vân tay từ thiết bị của cơ quan.", "The portrait and fingerprint have not been captured by the office's devices.")),
        }).DistinctBy(e => e.Message)];

    private static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static string NewSubmissionId() => Guid.NewGuid().ToString("N");

    /// <summary>The paper kinds an officer integrates at the desk (an ID card or passport is never typed in).</summary>
    private static DocumentKind? Kind(string value) => value switch
    {
        "driverLicence" => DocumentKind.DriverLicence,
        "vehicleRegistration" => DocumentKind.VehicleRegistration,
        "socialInsurance" => DocumentKind.SocialInsurance,
        "healthInsuranceCard" => DocumentKind.HealthInsuranceCard,
        _ => null,
    };
}
