using System.Globalization;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.AccountConsole;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>The account's data in the console's words: field names, sources, papers, and the audit trail in plain sentences.</summary>
public static class ConsoleWords
{
    public static string When(DateTimeOffset at) => at.ToOffset(VietnamTime.Offset).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string Level(PageContext page, AccountLevel level) =>
        level == AccountLevel.Level2 ? page.T("Mức độ 2", "Level 2") : page.T("Mức độ 1", "Level 1");

    public static string Status(PageContext page, AccountStatus status) => status switch
    {
        AccountStatus.Level1 or AccountStatus.Level2 => page.T("Đang hoạt động", "Active"),
        AccountStatus.PendingUpgrade => page.T("Chờ xác nhận nâng lên mức độ 2", "Waiting to confirm level 2"),
        AccountStatus.Locked => page.T("Đã khóa", "Locked"),
        _ => page.T("Chưa kích hoạt", "Not activated"),
    };

    /// <summary>Each field of the profile: verified by the population (or immigration) database, or declared by the citizen.</summary>
    public static IReadOnlyList<FieldRow> Fields(PageContext page, ProfileView profile, bool citizen) =>
        [.. profile.Fields.Where(f => f.Name != "identityKind").Select(f => new FieldRow(
            FieldLabel(page, f.Name), FieldValue(page, f), f.Source == FieldSource.VerifiedByRegistry,
            f.Source == FieldSource.VerifiedByRegistry
                ? citizen ? page.T("Cơ sở dữ liệu quốc gia về dân cư", "National Population Database")
                          : page.T("Cơ sở dữ liệu quốc gia về xuất nhập cảnh", "National Immigration Database")
                : page.T("Bạn tự khai báo", "Declared by you")))];

    public static IReadOnlyList<string> Verification(PageContext page, VerificationView? verification)
    {
        if (verification is null) return [];
        var lines = new List<string>
        {
            page.T($"Đối chiếu với cơ sở dữ liệu quốc gia lúc {When(verification.RegistryCheckedAt)}",
                $"Checked against the national database at {When(verification.RegistryCheckedAt)}"),
        };
        if (verification.InPerson is { } inPerson)
            lines.Add(page.T($"Cán bộ Công an xác thực trực tiếp tại cơ quan {inPerson.OfficeCode} lúc {When(inPerson.CheckedAt)} (hồ sơ {inPerson.DossierCode})",
                $"Verified in person by a police officer at office {inPerson.OfficeCode} at {When(inPerson.CheckedAt)} (dossier {inPerson.DossierCode})"));
        return lines;
    }

    private static string FieldLabel(PageContext page, string name) => name switch
    {
        "idNumber" => page.T("Số định danh cá nhân", "Personal ID number"),
        "fullName" => page.T("Họ, chữ đệm và tên", "Full name"),
        "dateOfBirth" => page.T("Ngày sinh", "Date of birth"),
        "gender" => page.T("Giới tính", "Gender"),
        "birthRegistrationPlace" => page.T("Nơi đăng ký khai sinh", "Where the birth was registered"),
        "nationality" => page.T("Quốc tịch", "Nationality"),
        "passportIssuingCountry" => page.T("Nước cấp hộ chiếu", "Passport issued by"),
        "passportNumber" => page.T("Số hộ chiếu", "Passport number"),
        "phone" => page.T("Số điện thoại", "Phone"),
        "email" => page.T("Thư điện tử", "E-mail"),
        _ => name,
    };

    private static string? FieldValue(PageContext page, ProfileField field) => field switch
    {
        { Name: "gender", Value: "Male" } => page.T("Nam", "Male"),
        { Name: "gender", Value: "Female" } => page.T("Nữ", "Female"),
        { Name: "dateOfBirth", Value: { } iso } when DateOnly.TryParse(iso, CultureInfo.InvariantCulture, out var date) => Date(date),
        _ => field.Value,
    };

    public static DocumentRow Document(PageContext page, IntegratedDocument d) => new(
        Kind(page, d.Kind), d.Number, d.Issuer,
        (d.ValidFrom, d.ValidUntil) switch
        {
            (null, null) => null,
            (var from, var until) => $"{(from is { } f ? Date(f) : "…")} – {(until is { } u ? Date(u) : page.T("không thời hạn", "no end"))}",
        },
        d.VerifiedBy == IntegratedDocument.RegisterEvidence
            ? page.T("Cơ quan quản lý giấy tờ (đối chiếu trực tiếp)", "Its issuing register (checked directly)")
            : page.T($"{d.VerifiedBy}, cơ quan {d.VerifiedAtOffice}", $"{d.VerifiedBy}, office {d.VerifiedAtOffice}"));

    /// <summary>A claim of the e-ID in words (what a verifier asks to see).</summary>
    public static string Claim(PageContext page, string claim) => claim switch
    {
        "id_number" => page.T("Số định danh cá nhân", "Personal ID number"),
        "full_name" => page.T("Họ và tên", "Full name"),
        "birthdate" => page.T("Ngày sinh", "Date of birth"),
        "gender" => page.T("Giới tính", "Gender"),
        "nationality" => page.T("Quốc tịch", "Nationality"),
        "age_over_14" => page.T("Đủ 14 tuổi hay chưa", "Whether you are over 14"),
        "age_over_18" => page.T("Đủ 18 tuổi hay chưa (không cho biết ngày sinh)", "Whether you are over 18 (not your birth date)"),
        "level" => page.T("Mức độ định danh", "The e-ID's level"),
        "portrait" => page.T("Ảnh chân dung", "Portrait"),
        "card_number" => page.T("Số thẻ căn cước", "ID card number"),
        "card_valid_until" => page.T("Hạn của thẻ căn cước", "The ID card's validity"),
        _ => claim,
    };

    /// <summary>A kind of paper in words.</summary>
    public static string Kind(PageContext page, DocumentKind kind) => kind switch
    {
        DocumentKind.DriverLicence => page.T("Giấy phép lái xe", "Driving licence"),
        DocumentKind.VehicleRegistration => page.T("Giấy đăng ký xe", "Vehicle registration"),
        DocumentKind.SocialInsurance => page.T("Sổ bảo hiểm xã hội", "Social insurance book"),
        DocumentKind.HealthInsuranceCard => page.T("Thẻ bảo hiểm y tế", "Health insurance card"),
        DocumentKind.Passport => page.T("Hộ chiếu", "Passport"),
        DocumentKind.IdCard => page.T("Thẻ căn cước", "ID card"),
        DocumentKind.BirthCertificate => page.T("Giấy khai sinh", "Birth certificate"),
        _ => kind.ToString(),
    };

    /// <summary>What a connected service receives, in words.</summary>
    public static string Receives(PageContext page, string claim) => claim switch
    {
        "sub" => page.T("mã định danh dành riêng cho dịch vụ", "an identifier for this service"),
        "name" => page.T("họ và tên", "full name"),
        "birthdate" => page.T("ngày sinh", "date of birth"),
        "gender" => page.T("giới tính", "gender"),
        "phone_number" => page.T("số điện thoại", "phone"),
        "email" => page.T("thư điện tử", "e-mail"),
        "vneid_level" => page.T("mức độ tài khoản", "account level"),
        "offline_access" => page.T("truy cập khi bạn không trực tuyến", "access while you are away"),
        _ when claim.StartsWith("verified_claims.", StringComparison.Ordinal) =>
            page.T($"thông tin đã xác thực: {claim["verified_claims.".Length..]}", $"verified: {claim["verified_claims.".Length..]}"),
        _ => claim,
    };

    /// <summary>One audit entry in a sentence its owner understands; internal details (session ids) are never shown.</summary>
    public static HistoryRow History(PageContext page, AuditEntryView e, string owner)
    {
        var what = e.Kind switch
        {
            AccountEventKind.Declared => page.T("Khai báo tài khoản", "Account declared"),
            AccountEventKind.OtpIssued => page.T("Gửi mã xác thực đến điện thoại", "A code was sent to the phone"),
            AccountEventKind.Activated => page.T("Kích hoạt tài khoản", "Account activated"),
            AccountEventKind.Locked => page.T("Khóa tài khoản", "Account locked"),
            AccountEventKind.Unlocked => page.T("Mở khóa tài khoản", "Account unlocked"),
            AccountEventKind.LoginSucceeded => page.T("Đăng nhập", "Signed in"),
            AccountEventKind.LoginFailed => page.T("Đăng nhập sai mật khẩu", "Failed sign-in (wrong password)"),
            AccountEventKind.LoginLockedOut => page.T("Tạm khóa đăng nhập sau nhiều lần sai", "Sign-in paused after repeated failures"),
            AccountEventKind.OtpFailed => page.T("Nhập sai mã xác thực", "A wrong code was entered"),
            AccountEventKind.OtpLockedOut => page.T("Tạm khóa mã xác thực", "Codes paused after repeated failures"),
            AccountEventKind.RecoveryRequested => page.T("Yêu cầu lấy lại mật khẩu", "Password recovery requested"),
            AccountEventKind.RecoveryRefused => page.T("Yêu cầu lấy lại mật khẩu bị từ chối", "Password recovery refused"),
            AccountEventKind.PasswordChanged => page.T("Đổi mật khẩu", "Password changed"),
            AccountEventKind.LoggedOut => page.T("Đăng xuất", "Signed out"),
            AccountEventKind.RefreshTokenReused => page.T("Phát hiện phiên bị sao chép; phiên đã đóng", "A copied session was detected and closed"),
            AccountEventKind.Level2Approved => page.T("Nâng lên mức độ 2", "Raised to level 2"),
            AccountEventKind.ContactChanged => page.T("Thay đổi thông tin liên lạc", "Contact details changed"),
            AccountEventKind.StaffRead => page.T("Cán bộ xem thông tin", "Staff read your information"),
            AccountEventKind.WalletChanged => page.T("Thay đổi ví giấy tờ", "Wallet changed"),
            AccountEventKind.DossierDecided => page.T("Quyết định hồ sơ mức độ 2", "Level-2 dossier decided"),
            AccountEventKind.PhoneChangeRequested => page.T("Yêu cầu đổi số điện thoại tại cơ quan", "Phone change requested at an office"),
            AccountEventKind.ServiceWithdrawn => page.T("Rút lại đồng ý với dịch vụ", "Consent withdrawn from a service"),
            AccountEventKind.PasskeyAdded => page.T("Thêm khoá truy cập", "Passkey added"),
            AccountEventKind.PasskeyRemoved => page.T("Xoá khoá truy cập", "Passkey removed"),
            AccountEventKind.PasskeyUsed => page.T("Xác thực đăng nhập bằng khoá truy cập", "Sign-in confirmed with a passkey"),
            AccountEventKind.PasskeyCloneSuspected => page.T("Từ chối khoá truy cập nghi bị sao chép", "A passkey suspected of being copied was refused"),
            AccountEventKind.ActedForChild => page.T("Đăng nhập thay mặt con", "Signed in on behalf of your child"),
            _ => page.T("Sự kiện khác của tài khoản", "Other account event"),
        };
        // The details shown are those that say who and where (an office, a service, a paper), never a session's id.
        if (e.Kind is AccountEventKind.StaffRead or AccountEventKind.WalletChanged or AccountEventKind.ServiceWithdrawn
            or AccountEventKind.PasskeyAdded or AccountEventKind.PasskeyRemoved or AccountEventKind.PasskeyUsed or AccountEventKind.PasskeyCloneSuspected or AccountEventKind.ActedForChild
            or AccountEventKind.DossierDecided or AccountEventKind.Locked or AccountEventKind.Unlocked && e.Reason is { Length: > 0 } detail)
            what = $"{what}: {detail}";
        var who = e.ActorRole switch
        {
            ActorRole.Citizen when e.ActorId == owner => page.T("Bạn", "You"),
            ActorRole.Officer => page.T($"Cán bộ {e.ActorId}", $"Officer {e.ActorId}"),
            ActorRole.Operator => page.T($"Quản trị viên {e.ActorId}", $"Operator {e.ActorId}"),
            _ => page.T("Hệ thống", "The platform"),
        };
        return new HistoryRow(When(e.OccurredAt), what, who);
    }
}
