using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>What the consent page says a relying party will receive.</summary>
public static partial class ProviderClaims
{
    /// <summary>The consent page's lines: exactly what <see cref="Identity"/> will put in the tokens.</summary>
    public static List<string> ConsentLines(HttpContext http, Release release, bool citizen = true) =>
        ConsentLines(Orleans.VNeID.Web.WebPage.English(http), release, citizen);

    /// <inheritdoc cref="ConsentLines(HttpContext, Release, bool)"/>
    public static List<string> ConsentLines(bool english, Release release, bool citizen = true)
    {
        string T(string vi, string en) => english ? en : vi;
        var lines = new List<string> { T("Mã định danh của bạn tại dịch vụ này", "Your identifier at this service") };
        if (release.Verified.Count > 0)
            lines.Add(citizen
                ? T($"Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư: {string.Join(", ", release.Verified.Select(c => Label(c, true)))}",
                    $"Verified against the population database: {string.Join(", ", release.Verified.Select(c => Label(c, false)))}")
                : T($"Đã xác thực với Cơ sở dữ liệu quốc gia về xuất nhập cảnh: {string.Join(", ", release.Verified.Select(c => Label(c, true)))}",
                    $"Verified against the immigration database: {string.Join(", ", release.Verified.Select(c => Label(c, false)))}"));
        if (release.Profile && release.Verified.Count < Verifiable.Length)
            lines.Add(T("Họ và tên, ngày sinh, giới tính", "Full name, date of birth, gender"));
        if (release.Phone) lines.Add(T("Số điện thoại đăng ký", "Registered phone number"));
        if (release.Email) lines.Add(T("Thư điện tử (do bạn tự khai)", "E-mail (declared by you)"));
        if (release.Level) lines.Add(T("Mức độ tài khoản định danh điện tử", "The e-ID account's level"));
        if (release.Organization)
            lines.Add(T("Tổ chức bạn chọn thay mặt (nếu có): mã số, tên, vai trò và phạm vi uỷ quyền của bạn",
                "The organisation you chose to act for (if any): its code, name, your role and authorisation"));
        if (release.Offline)
            lines.Add(T("Duy trì truy cập khi bạn không trực tuyến (đến khi bạn đăng xuất hoặc khóa tài khoản)",
                "Continued access while you are away (until you log out or lock the account)"));
        return lines;
    }

    private static string Label(string claim, bool vietnamese) => (claim, vietnamese) switch
    {
        (Claims.Name, true) => "họ và tên",
        (Claims.Name, false) => "full name",
        (Claims.Birthdate, true) => "ngày sinh",
        (Claims.Birthdate, false) => "date of birth",
        (Claims.Gender, true) => "giới tính",
        _ => "gender",
    };
}
