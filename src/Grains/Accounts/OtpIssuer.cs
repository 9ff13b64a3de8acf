using Microsoft.Extensions.Options;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>
/// Whose budget a code or notice is sent from. A stranger must never spend what stands between the owner and their own
/// account, so the sends a caller can cause by knowing printed details alone are counted apart from those the owner
/// causes by proving something (the password, an open session, the chip), and the desk's are not counted at all.
/// </summary>
public enum CodeBudget
{
    /// <summary>The caller proved a factor: a step-up (password), a sign-in or e-mail code (open session), NFC (the chip).</summary>
    Owner,

    /// <summary>The caller proved nothing but details printed on the card: activation codes, recovery by details.</summary>
    Anonymous,

    /// <summary>An officer at the desk, the citizen present and matched, every send in the citizen's audit trail: never limited online.</summary>
    Office,
}

/// <summary>
/// The rules of activation and recovery codes (docs/domain.md, "The procedures"), apart from any grain: issuing within the cooldown and the
/// hourly limit of the budget the request may spend, checking a code, and voiding it after too many wrong entries.
/// Options: section <c>Otp</c>; state: the account's sends per budget, issue counter and pending codes.
/// </summary>
public sealed class OtpIssuer(OtpCodes codes, IOptions<OtpOptions> options)
{
    private OtpOptions Options => options.Value;

    /// <summary>How long a code stays valid.</summary>
    public int ValiditySeconds => Options.ValiditySeconds;

    /// <summary>A new code (returned once, to be sealed into its message) and what the account stores of it: a hash.</summary>
    public PendingOtp Issue(AccountState state, string accountId, DateTimeOffset now, CodeBudget budget, out string code)
    {
        code = OtpCodes.Generate();
        var issue = ++state.OtpIssues;
        RecordSend(state, now, budget);
        return new PendingOtp { Hash = codes.Hash(accountId, issue, code), Issue = issue, ExpiresAt = now.AddSeconds(Options.ValiditySeconds) };
    }

    /// <summary>
    /// Counts a message sent for the hourly limit of its budget (the desk's are not counted). The lists are kept at their
    /// count: a few sends an hour, and most accounts hold one, for which a list's default growth would keep room for four.
    /// </summary>
    public static void RecordSend(AccountState state, DateTimeOffset now, CodeBudget budget)
    {
        if (budget == CodeBudget.Office) return;
        var sends = budget == CodeBudget.Owner ? state.OtpSends : state.AnonymousSends ??= [];
        sends.Add(now);
        sends.TrimExcess();
    }

    /// <summary>Drops sends older than the hour the limits look at, and the lists' room for them.</summary>
    public static void ForgetOldSends(AccountState state, DateTimeOffset now)
    {
        if (state.OtpSends.RemoveAll(sent => sent <= now.AddHours(-1)) > 0) state.OtpSends.TrimExcess();
        if (state.AnonymousSends is { } anonymous && anonymous.RemoveAll(sent => sent <= now.AddHours(-1)) > 0)
            state.AnonymousSends = anonymous.Count == 0 ? null : [.. anonymous];
    }

    private int MaxSends(CodeBudget budget) => budget == CodeBudget.Owner ? Options.MaxSendsPerHour : Options.MaxAnonymousSendsPerHour;

    /// <summary>How long until another message may be sent from this budget (cooldown and hourly limit), or null when one may go now.</summary>
    public TimeSpan? SendWait(AccountState state, DateTimeOffset now, CodeBudget budget)
    {
        if (budget == CodeBudget.Office) return null;
        ForgetOldSends(state, now);
        var sends = budget == CodeBudget.Owner ? state.OtpSends : state.AnonymousSends;
        if (sends is not { Count: > 0 }) return null;
        var cooldown = sends.Max().AddSeconds(Options.ResendCooldownSeconds) - now;
        if (cooldown > TimeSpan.Zero) return cooldown;
        return sends.Count >= MaxSends(budget) ? sends.Min().AddHours(1) - now : null;
    }

    /// <summary>The refusal when no code may be sent now from this budget, naming the limit that applies.</summary>
    public Refusal? SendLimit(AccountState state, DateTimeOffset now, CodeBudget budget)
    {
        if (SendWait(state, now, budget) is not { } wait) return null;
        var sends = budget == CodeBudget.Owner ? state.OtpSends : state.AnonymousSends!;
        return sends.Count >= MaxSends(budget)
            ? ErrorCatalogue.OtpHourlyLimit.Refuse($"At most {MaxSends(budget)} codes are sent in an hour.", wait)
            : ErrorCatalogue.OtpCooldown.Refuse($"A new code can be requested {Options.ResendCooldownSeconds} seconds after the previous one.", wait);
    }

    public static bool IsLive(PendingOtp? pending, DateTimeOffset now) => pending is not null && pending.ExpiresAt > now;

    public bool Verify(string accountId, PendingOtp pending, string? code) => codes.Verify(accountId, pending.Issue, code ?? "", pending.Hash);

    /// <summary>Counts a wrong entry on the code; after the configured number the code is void and the account forgets it.</summary>
    /// <returns>True when this entry voided the code.</returns>
    public bool CountWrongEntry(AccountState state, PendingOtp pending)
    {
        pending.WrongAttempts++;
        if (pending.WrongAttempts < Options.MaxWrongAttempts) return false;
        if (ReferenceEquals(state.Otp, pending)) state.Otp = null;
        if (ReferenceEquals(state.RecoveryOtp, pending)) state.RecoveryOtp = null;
        if (ReferenceEquals(state.StepUpOtp, pending)) state.StepUpOtp = null;
        if (ReferenceEquals(state.EmailChange?.Otp, pending)) state.EmailChange = null;
        if (ReferenceEquals(state.SignInCode?.Otp, pending)) state.SignInCode = null;
        return true;
    }

    public Refusal Voided(AccountState state, DateTimeOffset now) =>
        ErrorCatalogue.OtpAttemptsExceeded.Refuse($"The code was entered wrongly {Options.MaxWrongAttempts} times and is now void: request a new one.",
            SendWait(state, now, CodeBudget.Owner) ?? TimeSpan.Zero);
}
