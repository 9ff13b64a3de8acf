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
