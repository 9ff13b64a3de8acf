using Orleans.VNeID.Errors;
using Orleans.VNeID.Web;

namespace Orleans.VNeID.Gateway.Problems;

/// <summary>
/// The web area's counterpart of <see cref="ProblemWriter"/>: a refusal of the platform said on a page, in the page's
/// language, with the same meaning as its problem-details code.
/// </summary>
public static class PageWords
{
    public static string T(HttpContext http, string vietnamese, string english) => WebPage.English(http) ? english : vietnamese;

    public static string Wait(HttpContext http, int seconds) =>
        T(http, $"Tạm thời chưa thể thực hiện; thử lại sau {seconds} giây.", $"This cannot be done for a while; try again in {seconds} seconds.");

    /// <summary>What each refusal a page can meet means, in both languages; whether its wait is part of the sentence.</summary>
    private static readonly Dictionary<string, (string Vietnamese, string English, bool SaysWait)> Meanings = new()
    {
        [ErrorCatalogue.RegistryMismatch.Code] = ("Số định danh, họ tên, ngày sinh và giới tính không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
            "The ID number, full name, date of birth and gender do not match the National Population Database.", false),
        [ErrorCatalogue.NoPhoneOnRecord.Code] = ("Cơ sở dữ liệu dân cư chưa có số điện thoại của bạn: hãy đăng ký trực tiếp tại cơ quan Công an (mức độ 2).",
            "The population database holds no phone number for you: register in person at a police office (level 2).", false),
        [ErrorCatalogue.UnderMinimumAge.Code] = ("Bạn chưa đủ tuổi để có tài khoản riêng.", "You are younger than the minimum age for an account of your own.", false),
        [ErrorCatalogue.OtpInvalid.Code] = ("Mã không đúng hoặc đã hết hạn.", "The code is wrong or has expired.", false),
        [ErrorCatalogue.OtpExpired.Code] = ("Mã không đúng hoặc đã hết hạn.", "The code is wrong or has expired.", false),
        [ErrorCatalogue.OtpAttemptsExceeded.Code] = ("Mã đã bị nhập sai quá nhiều lần và không còn hiệu lực: hãy yêu cầu mã mới.",
            "The code was entered wrongly too often and is void: ask for a new one.", false),
        [ErrorCatalogue.OtpLockedOut.Code] = ("Nhập sai mã quá nhiều lần: tạm thời không nhận mã.", "Too many wrong codes: codes are refused for a while.", true),
        [ErrorCatalogue.TooManyAttempts.Code] = ("Sai mật khẩu quá nhiều lần: tạm thời không thể đăng nhập.", "Too many wrong passwords: sign-in is refused for a while.", true),
        [ErrorCatalogue.DeclarationAttemptsExceeded.Code] = ("Quá nhiều lần khai báo không khớp: tạm thời không nhận khai báo.",
            "Too many declarations did not match: declarations are refused for a while.", true),
        [ErrorCatalogue.RecoveryAttemptsExceeded.Code] = ("Quá nhiều yêu cầu khôi phục không khớp từ địa chỉ này: tạm thời không nhận yêu cầu.",
            "Too many recovery requests from this address did not match: they are refused for a while.", true),
        [ErrorCatalogue.DossierNotOpen.Code] = ("Chỉ bổ sung giấy tờ vào hồ sơ của cơ quan mình, tiếp nhận trong ngày, trong giờ làm việc, khi công dân có mặt.",
            "Papers are added only to a dossier of your office received today, in office hours, with the citizen present.", false),
        [ErrorCatalogue.DocumentNotRegistered.Code] = ("Cơ quan quản lý không có giấy tờ nào của bạn với số này.", "The register holds no paper of yours with this number.", false),
        [ErrorCatalogue.DocumentOtherPerson.Code] = ("Cơ quan quản lý ghi giấy tờ này là của người khác.", "The register says this paper belongs to someone else.", false),
        [ErrorCatalogue.DocumentRevoked.Code] = ("Giấy tờ này đã bị thu hồi.", "This paper has been revoked.", false),
        [ErrorCatalogue.DocumentExpired.Code] = ("Giấy tờ này đã hết hiệu lực.", "This paper is no longer valid.", false),
        [ErrorCatalogue.OfficeClosed.Code] = ("Hồ sơ chỉ được tiếp nhận trong giờ làm việc của cơ quan, vào ngày làm việc.",
            "Dossiers are received only in the office's hours on working days.", false),
        [ErrorCatalogue.SecondPersonRequired.Code] = ("Việc cấp thẻ do người thứ hai xác nhận: cán bộ khác của cơ quan, không phải cán bộ đã tiếp nhận hồ sơ.",
            "The card's issue is confirmed by a second person: another officer of the office, never the one who received the dossier.", false),
        [ErrorCatalogue.PasskeyInvalid.Code] = ("Khoá truy cập không được chấp nhận (khoá không đúng, đã bị xoá, hoặc yêu cầu đã hết hạn); hãy thử lại.",
            "The passkey was not accepted (a wrong or removed passkey, or the request expired); try again.", false),
        [ErrorCatalogue.PasskeyLimit.Code] = ("Tài khoản đã có tối đa 10 khoá truy cập: hãy xoá bớt một khoá trước.", "The account holds the most passkeys allowed (10): remove one first.", false),
        [ErrorCatalogue.FreshCodeRequired.Code] = ("Hãy xác nhận bằng mã gửi đến số điện thoại đăng ký trước khi thêm khoá truy cập.",
            "Confirm with a code sent to the registered phone before adding a passkey.", false),
        [ErrorCatalogue.CrossOffice.Code] = ("Cán bộ chỉ xử lý hồ sơ của cơ quan mình.", "An officer acts only on dossiers of their own office.", false),
        [ErrorCatalogue.CardNotIssued.Code] = ("Cơ sở dữ liệu căn cước chưa có thẻ đã cấp cho công dân này.", "The ID-card database holds no issued card for this citizen yet.", false),
        [ErrorCatalogue.NothingToConfirm.Code] = ("Không có gì đang chờ xác nhận tại cơ quan này.", "Nothing recorded at this office waits for a confirmation.", false),
        [ErrorCatalogue.BiometricsMismatch.Code] = ("Ảnh chân dung và vân tay không khớp với mẫu đã đăng ký.", "The portrait and fingerprint do not match the enrolled templates.", false),
        [ErrorCatalogue.BiometricsSuspect.Code] = ("Dữ liệu thu nhận đáng ngờ (ảnh chân dung và vân tay không thống nhất): đã từ chối và báo cáo.",
            "The capture is suspect (portrait and fingerprint disagree): refused and reported.", false),
        [ErrorCatalogue.CaptureNotTrusted.Code] = ("Mẫu sinh trắc học không được ký bởi thiết bị của cơ quan vừa mới đây: hãy thu nhận lại.",
            "The templates are not signed, moments ago, by a device of this office: capture again.", false),
        [ErrorCatalogue.BiometricAttemptsExceeded.Code] = ("Quá nhiều lần so khớp sinh trắc học thất bại: tạm thời không nhận.",
            "Too many failed biometric matches: refused for a while.", true),
        [ErrorCatalogue.NotEnrolled.Code] = ("Số định danh này chưa có mẫu sinh trắc học.", "No templates are enrolled for this ID number.", false),
        [ErrorCatalogue.AccountLocked.Code] = ("Tài khoản đang bị khóa.", "The account is locked.", false),
        [ErrorCatalogue.OfficeDayFull.Code] = ("Cơ quan đã đánh số đủ hồ sơ trong ngày.", "The office has numbered all the dossiers it can today.", false),
        [ErrorCatalogue.DossierNotFound.Code] = ("Không có hồ sơ nào khớp với mã hồ sơ và mã bảo mật này.", "No dossier matches this code and security code.", false),
        [ErrorCatalogue.CheckCodeInvalid.Code] = ("Mã kiểm tra không đúng hoặc đã hết hạn: hãy dùng mã mới.", "The check code is wrong or has expired: use a new one.", false),
        [ErrorCatalogue.ValidationFailed.Code] = ("Địa chỉ hoặc thông tin gửi lên không hợp lệ.", "The address or what was sent is not valid.", false),
        [ErrorCatalogue.MalformedRequest.Code] = ("Địa chỉ hoặc thông tin gửi lên không hợp lệ.", "The address or what was sent is not valid.", false),
        [ErrorCatalogue.NotFound.Code] = ("Không có trang này.", "There is no such page.", false),
        [ErrorCatalogue.Unauthorized.Code] = ("Cần đăng nhập.", "You need to sign in.", false),
        [ErrorCatalogue.Forbidden.Code] = ("Bạn không được thực hiện việc này.", "You may not do this.", false),
        [ErrorCatalogue.RateLimited.Code] = ("Quá nhiều yêu cầu; hãy thử lại sau.", "Too many requests; try again later.", true),
        [ErrorCatalogue.ServiceUnavailable.Code] = ("Hệ thống tạm thời chưa trả lời; hãy thử lại sau ít phút.", "The platform did not answer; try again in a few minutes.", false),
    };

    /// <summary>A refusal of the platform in the page's words (its wait, when it has one).</summary>
    public static string Refusal(HttpContext http, Refusal refusal)
    {
        var known = Meanings.TryGetValue(refusal.Code, out var meaning);
        if (refusal.RetryAfterSeconds is { } wait && !(known && meaning.SaysWait)) return Wait(http, wait);
        if (!known) return T(http, "Không thực hiện được; hãy thử lại.", "That could not be done; try again.");
        var after = refusal.RetryAfterSeconds is { } seconds ? T(http, $" Thử lại sau {seconds} giây.", $" Try again in {seconds} seconds.") : "";
        return T(http, meaning.Vietnamese, meaning.English) + after;
    }
}
