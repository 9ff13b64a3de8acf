using Microsoft.Extensions.Logging;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>How a dossier's outcome reaches the citizen: through the account's chain, or without an account to the contacts given at the desk.</summary>
public sealed partial class DossierGrain
{
    /// <summary>
    /// The decision goes into the account's chain (and the citizen is told). The dossier already holds it durably, so a
    /// failure here is logged, not thrown at the desk.
    /// </summary>
    private async Task TellAccountAsync(ICitizenAccountGrain account, Actor officer, string decision)
    {
        try
        {
            if (!await account.RecordDossierDecisionAsync(officer, Code, State.OfficeCode, decision, Notice())) await TellWithoutAccountAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Dossier {Code}: the decision could not be recorded in the account's audit chain", Code);
        }
    }

    /// <summary>
    /// Rule: every outcome reaches the citizen, account or not (issue 14). A citizen without an account (a first card and
    /// account applied for together, or a refused dossier) is told at the phone and e-mail given at the desk, and the
    /// notice is kept for the app under the ID number, where the account's notice list finds it once it exists. Message
    /// ids name the dossier and its status, so a retried decision is not sent twice.
    /// </summary>
    private async Task TellWithoutAccountAsync()
    {
        var notice = Notice(hasAccount: false);
        var at = clock.GetUtcNow();
        var id = $"dossier:{Code}:{State.Status}";
        var messages = new List<OutboundMessage>
        {
            new($"{id}:{NotificationChannel.App}", State.IdNumber, AccountEventKind.DossierDecided, NotificationChannel.App, State.IdNumber, notice, at),
        };
        if (!string.IsNullOrWhiteSpace(State.Phone))
            messages.Add(new($"{id}:{NotificationChannel.Sms}", State.IdNumber, AccountEventKind.DossierDecided, NotificationChannel.Sms, State.Phone.Trim(),
                NotificationTexts.Written(notice, NotificationChannel.Sms), at));
        if (!string.IsNullOrWhiteSpace(State.Email))
            messages.Add(new($"{id}:{NotificationChannel.Email}", State.IdNumber, AccountEventKind.DossierDecided, NotificationChannel.Email, State.Email.Trim(),
                notice, at));
        foreach (var message in messages) await outbox.SendAsync(message);
    }

    private string Notice(bool hasAccount = true) => State.Status switch
    {
        DossierStatus.Rejected =>
            $"Hồ sơ {Code} đăng ký tài khoản định danh điện tử mức độ 2 không được chấp nhận: {State.PlainReason ?? "hồ sơ chưa đáp ứng điều kiện"}." +
            (hasAccount ? " Tài khoản của bạn giữ nguyên như trước." : ""),
        DossierStatus.AwaitingCard =>
            $"Hồ sơ {Code} đăng ký tài khoản định danh điện tử mức độ 2 đã được tiếp nhận cùng hồ sơ cấp thẻ căn cước" +
            (State.PlainReason is { } why ? $" ({why})" : "") + $"; tài khoản mức độ 2 được cấp cùng thẻ, ngày hẹn trả kết quả {State.AppointmentDate:dd/MM/yyyy}.",
        _ => $"Thẻ căn cước của bạn đã được cấp; hồ sơ {Code} đăng ký tài khoản định danh điện tử mức độ 2 đã được duyệt, mã kích hoạt đã được gửi.",
    };
}
