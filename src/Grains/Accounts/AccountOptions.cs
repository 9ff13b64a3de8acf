using System.ComponentModel.DataAnnotations;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>Activation codes (docs/domain.md, "The procedures"). Section <c>Otp</c>.</summary>
public sealed class OtpOptions
{
    public const string Section = "Otp";

    /// <summary>How long a code is valid. Default 120 s (the seed's "2 phut").</summary>
    [Range(30, 3600)] public int ValiditySeconds { get; set; } = 120;

    /// <summary>Wrong entries after which a code is void. Default 5.</summary>
    [Range(1, 20)] public int MaxWrongAttempts { get; set; } = 5;

    /// <summary>Seconds between two sends. Default 60.</summary>
    [Range(0, 3600)] public int ResendCooldownSeconds { get; set; } = 60;

    /// <summary>Sends the owner may cause in any rolling hour (step-up, sign-in, e-mail and NFC codes). Default 5.</summary>
    [Range(1, 100)] public int MaxSendsPerHour { get; set; } = 5;

    /// <summary>
    /// Sends a caller who proved nothing but printed details may cause in any rolling hour (activation codes, recovery by
    /// details), counted apart from <see cref="MaxSendsPerHour"/> so that a stranger never spends the owner's. Default 3.
    /// </summary>
    [Range(1, 100)] public int MaxAnonymousSendsPerHour { get; set; } = 3;

    /// <summary>Base64 key (≥ 32 bytes) for the keyed hash under which codes are stored. No default: set it per deployment.</summary>
    [Required, MinLength(44)] public string HashKey { get; set; } = "";
}

/// <summary>Who may register. Section <c>Registration</c>.</summary>
public sealed class RegistrationOptions
{
    public const string Section = "Registration";

    /// <summary>Minimum age on the day of the declaration (docs/domain.md, "Accounts and levels"). Default 14.</summary>
    [Range(0, 120)] public int MinimumAge { get; set; } = 14;

    /// <summary>
    /// Declarations for one ID number that may fail to match the registry within <see cref="MismatchWindow"/>; past it,
    /// every declaration for that number is refused (matching or not) until the window passes. Default 5.
    /// </summary>
    [Range(1, 100)] public int MismatchBudget { get; set; } = 5;

    /// <summary>The window of <see cref="MismatchBudget"/> and of the per-address budget. Default 24 hours.</summary>
    public TimeSpan MismatchWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A declaration repeated for an existing account tells the owner (and is audited) at most once in this long; later
    /// repeats commit nothing and answer alike. It spends no code budget, so repeating the printed details silences
    /// nothing. Default 24 hours.
    /// </summary>
    public TimeSpan RepeatNoticeInterval { get; set; } = TimeSpan.FromHours(24);
}
