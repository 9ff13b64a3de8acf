using Microsoft.Extensions.Options;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// The rules of activation and recovery codes (DOMAIN.md §5), apart from any grain: issuing within the cooldown and the
/// hourly limit, checking a code, and voiding it after too many wrong entries. Options: section <c>Otp</c>; state: the
/// account's sends, issue counter and pending codes.
/// </summary>
public sealed class OtpIssuer(OtpCodes codes, IOptions<OtpOptions> options)
{
    private OtpOptions Options => options.Value;

    /// <summary>How long a code stays valid.</summary>
    public int ValiditySeconds => Options.ValiditySeconds;

    /// <summary>A new code (returned once, to be sealed into its message) and what the account stores of it: a hash.</summary>
    public PendingOtp Issue(AccountState state, string accountId, DateTimeOffset now, out string code)
    {
        code = OtpCodes.Generate();
        var issue = ++state.OtpIssues;
        RecordSend(state, now);
        return new PendingOtp { Hash = codes.Hash(accountId, issue, code), Issue = issue, ExpiresAt = now.AddSeconds(Options.ValiditySeconds) };
    }

    /// <summary>
    /// Counts a message sent to the account's phone for the hourly limit. The list is kept at its count: a few sends an
    /// hour, and most accounts hold one, for which the list's default growth would keep room for four (48 bytes more of
    /// every active account).
    /// </summary>
    public static void RecordSend(AccountState state, DateTimeOffset now)
    {
        state.OtpSends.Add(now);
        state.OtpSends.TrimExcess();
    }

    /// <summary>Drops sends older than the hour the limit looks at, and the list's room for them.</summary>
    public static void ForgetOldSends(AccountState state, DateTimeOffset now)
    {
        if (state.OtpSends.RemoveAll(sent => sent <= now.AddHours(-1)) > 0) state.OtpSends.TrimExcess();
    }

    /// <summary>How long until another message may be sent (cooldown and hourly limit), or null when one may go now.</summary>
    public TimeSpan? SendWait(AccountState state, DateTimeOffset now)
    {
        ForgetOldSends(state, now);
        if (state.OtpSends.Count == 0) return null;
        var cooldown = state.OtpSends.Max().AddSeconds(Options.ResendCooldownSeconds) - now;
        if (cooldown > TimeSpan.Zero) return cooldown;
        return state.OtpSends.Count >= Options.MaxSendsPerHour ? state.OtpSends.Min().AddHours(1) - now : null;
    }

    /// <summary>The refusal when no code may be sent now, naming the limit that applies.</summary>
    public Refusal? SendLimit(AccountState state, DateTimeOffset now)
    {
        if (SendWait(state, now) is not { } wait) return null;
        return state.OtpSends.Count >= Options.MaxSendsPerHour
            ? ErrorCatalogue.OtpHourlyLimit.Refuse($"At most {Options.MaxSendsPerHour} codes are sent in an hour.", wait)
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
            SendWait(state, now) ?? TimeSpan.Zero);
}
