using System.Globalization;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Notifications;

/// <summary>
/// Message texts in the seed's style. SMS uses the unaccented SMS alphabet (DOMAIN.md §5); e-mail keeps diacritics.
/// </summary>
public static class NotificationTexts
{
    public static string Render(AccountEvent evt, NotificationChannel channel, string? code, int codeValiditySeconds)
    {
        var at = evt.OccurredAt.ToOffset(VietnamTime.Offset).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);
        var minutes = Math.Max(1, codeValiditySeconds / 60);
        var sms = channel == NotificationChannel.Sms;
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
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.Kind, "No text for this event."),
        };
    }
}
