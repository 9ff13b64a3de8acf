using System.Globalization;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>
/// Message texts in the seed's style. SMS uses the unaccented SMS alphabet (docs/domain.md, "The procedures"); e-mail keeps diacritics.
/// </summary>
public static class NotificationTexts
{
    /// <summary>A notice written for one event (<see cref="NotificationRequest.Text"/>): as written, or unaccented for SMS.</summary>
    public static string Written(string text, NotificationChannel channel) => channel == NotificationChannel.Sms ? Unaccented(text) : text;

    /// <summary>The SMS alphabet: Vietnamese without its marks ("đ" → "d").</summary>
    public static string Unaccented(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.Normalize(System.Text.NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            builder.Append(c switch { 'đ' => 'd', 'Đ' => 'D', _ => c });
        }
        return builder.ToString().Normalize(System.Text.NormalizationForm.FormC);
    }

    public static string Render(AccountEvent evt, NotificationChannel channel, string? code, int codeValiditySeconds)
    {
        var at = evt.OccurredAt.ToOffset(VietnamTime.Offset).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);
        var minutes = Math.Max(1, codeValiditySeconds / 60);
        var sms = channel == NotificationChannel.Sms;
        // In the app's notice list a code-carrying message says where the code went, never the code.
        if (channel == NotificationChannel.App && evt.Kind switch
            {
                AccountEventKind.Declared or AccountEventKind.OtpIssued => "Mã xác thực tài khoản định danh điện tử",
                AccountEventKind.RecoveryRequested => "Mã xác thực khôi phục mật khẩu",
                AccountEventKind.Level2Approved => "Hồ sơ mức độ 2 đã được đối chiếu khớp. Mã kích hoạt tài khoản định danh điện tử mức độ 2",
                _ => null,
            } is { } what)
            return $"{what} đã được gửi đến số điện thoại đăng ký lúc {at}; mã có hiệu lực trong {minutes} phút.";
        return evt.Kind switch
        {
            AccountEventKind.Declared or AccountEventKind.OtpIssued => sms
                ? $"{code} la ma xac thuc tai khoan dinh danh dien tu. Ma co hieu luc trong {minutes} phut"
                : $"{code} là mã xác thực tài khoản định danh điện tử. Mã có hiệu lực trong {minutes} phút.",
            AccountEventKind.Activated => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} da duoc kich hoat luc {at}."
                : $"Tài khoản định danh điện tử {evt.AccountId} đã được kích hoạt lúc {at}.",
            AccountEventKind.Locked => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} da bi khoa luc {at}. Neu khong phai ban yeu cau, lien he co quan Cong an gan nhat."
                : $"Tài khoản định danh điện tử {evt.AccountId} đã bị khoá lúc {at}. Nếu không phải bạn yêu cầu, hãy liên hệ cơ quan Công an gần nhất.",
            AccountEventKind.Unlocked => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} da duoc mo khoa luc {at}."
                : $"Tài khoản định danh điện tử {evt.AccountId} đã được mở khoá lúc {at}.",
            AccountEventKind.LoginLockedOut => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} tam thoi bi khoa dang nhap luc {at} do nhap sai mat khau nhieu lan. Neu khong phai ban, hay doi mat khau."
                : $"Tài khoản định danh điện tử {evt.AccountId} tạm thời bị khoá đăng nhập lúc {at} do nhập sai mật khẩu nhiều lần. Nếu không phải bạn, hãy đổi mật khẩu.",
            AccountEventKind.OtpLockedOut => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} tam thoi bi khoa nhap ma xac thuc luc {at} do nhap sai nhieu lan."
                : $"Tài khoản định danh điện tử {evt.AccountId} tạm thời bị khoá nhập mã xác thực lúc {at} do nhập sai nhiều lần.",
            AccountEventKind.RecoveryRequested => sms
                ? $"{code} la ma xac thuc khoi phuc mat khau tai khoan dinh danh dien tu. Ma co hieu luc trong {minutes} phut"
                : $"{code} là mã xác thực khôi phục mật khẩu tài khoản định danh điện tử. Mã có hiệu lực trong {minutes} phút.",
            AccountEventKind.PasswordChanged => sms
                ? $"Mat khau tai khoan dinh danh dien tu {evt.AccountId} da duoc thay doi luc {at}. Neu khong phai ban, lien he co quan Cong an gan nhat."
                : $"Mật khẩu tài khoản định danh điện tử {evt.AccountId} đã được thay đổi lúc {at}. Nếu không phải bạn, hãy liên hệ cơ quan Công an gần nhất.",
            AccountEventKind.RefreshTokenReused => sms
                ? $"Phat hien phien dang nhap bat thuong tren tai khoan dinh danh dien tu {evt.AccountId} luc {at}; phien do da bi dang xuat."
                : $"Phát hiện phiên đăng nhập bất thường trên tài khoản định danh điện tử {evt.AccountId} lúc {at}; phiên đó đã bị đăng xuất.",
            AccountEventKind.DeclarationRepeated => sms
                ? $"Co yeu cau dang ky tai khoan dinh danh dien tu bang so {evt.AccountId} luc {at}. Tai khoan cua ban da ton tai; neu quen mat khau, hay dung chuc nang Quen mat khau."
                : $"Có yêu cầu đăng ký tài khoản định danh điện tử bằng số {evt.AccountId} lúc {at}. Tài khoản của bạn đã tồn tại; nếu quên mật khẩu, hãy dùng chức năng Quên mật khẩu.",
            AccountEventKind.Level2Approved => sms
                ? $"{code} la ma kich hoat tai khoan dinh danh dien tu muc do 2. Ma co hieu luc trong {minutes} phut"
                : $"{code} là mã kích hoạt tài khoản định danh điện tử mức độ 2. Mã có hiệu lực trong {minutes} phút.",
            AccountEventKind.StepUpRequired => sms
                ? $"Tai khoan dinh danh dien tu {evt.AccountId} bi nhap sai mat khau nhieu lan (luc {at}). Lan dang nhap tiep theo can them ma xac thuc gui den so dien thoai nay."
                : $"Tài khoản định danh điện tử {evt.AccountId} bị nhập sai mật khẩu nhiều lần (lúc {at}). Lần đăng nhập tiếp theo cần thêm mã xác thực gửi đến số điện thoại đã đăng ký.",
            AccountEventKind.ContactChanged => sms
                ? $"Thong tin lien he cua tai khoan dinh danh dien tu {evt.AccountId} da thay doi luc {at}. Neu khong phai ban yeu cau, lien he co quan Cong an gan nhat."
                : $"Thông tin liên hệ của tài khoản định danh điện tử {evt.AccountId} đã thay đổi lúc {at}. Nếu không phải bạn yêu cầu, hãy liên hệ cơ quan Công an gần nhất.",
            AccountEventKind.WalletChanged => sms
                ? $"Giay to trong vi cua tai khoan dinh danh dien tu {evt.AccountId} da duoc cap nhat luc {at}."
                : $"Giấy tờ trong ví của tài khoản định danh điện tử {evt.AccountId} đã được cập nhật lúc {at}.",
            AccountEventKind.DossierDecided => sms
                ? $"Ho so dang ky tai khoan dinh danh dien tu muc do 2 cua so {evt.AccountId} da co ket qua luc {at}; tra cuu bang ma ho so va ma bao mat tren phieu hen."
                : $"Hồ sơ đăng ký tài khoản định danh điện tử mức độ 2 của số {evt.AccountId} đã có kết quả lúc {at}; tra cứu bằng mã hồ sơ và mã bảo mật trên phiếu hẹn.",
            AccountEventKind.BiometricsRefused => sms
                ? $"Luc {at}, doi chieu sinh trac hoc cua so {evt.AccountId} tai co quan Cong an khong khop. Neu khong phai ban, lien he co quan Cong an gan nhat."
                : $"Lúc {at}, đối chiếu sinh trắc học của số {evt.AccountId} tại cơ quan Công an không khớp. Nếu không phải bạn, hãy liên hệ cơ quan Công an gần nhất.",
            AccountEventKind.PhoneChangeRequested => sms
                ? $"Luc {at}, co yeu cau chuyen so dien thoai nhan ma cua tai khoan dinh danh dien tu {evt.AccountId} tai co quan Cong an. Neu khong phai ban, lien he co quan Cong an gan nhat ngay."
                : $"Lúc {at}, có yêu cầu chuyển số điện thoại nhận mã của tài khoản định danh điện tử {evt.AccountId} tại cơ quan Công an. Nếu không phải bạn, hãy liên hệ cơ quan Công an gần nhất ngay.",
            AccountEventKind.PasskeyAdded => sms
                ? $"Luc {at}, mot khoa truy cap (passkey) moi da duoc them vao tai khoan dinh danh dien tu {evt.AccountId}. Neu khong phai ban, hay khoa tai khoan ngay."
                : $"Lúc {at}, một khoá truy cập (passkey) mới đã được thêm vào tài khoản định danh điện tử {evt.AccountId}. Nếu không phải bạn, hãy khoá tài khoản ngay.",
            AccountEventKind.PasskeyRemoved => sms
                ? $"Luc {at}, mot khoa truy cap (passkey) da bi xoa khoi tai khoan dinh danh dien tu {evt.AccountId}."
                : $"Lúc {at}, một khoá truy cập (passkey) đã bị xoá khỏi tài khoản định danh điện tử {evt.AccountId}.",
            AccountEventKind.PasskeyCloneSuspected => sms
                ? $"Luc {at}, mot khoa truy cap cua tai khoan dinh danh dien tu {evt.AccountId} co dau hieu bi sao chep va da bi tu choi. Hay xoa khoa do va khoa tai khoan neu can."
                : $"Lúc {at}, một khoá truy cập của tài khoản định danh điện tử {evt.AccountId} có dấu hiệu bị sao chép và đã bị từ chối. Hãy xoá khoá đó, và khoá tài khoản nếu cần.",
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.Kind, "No text for this event."),
        };
    }
}
