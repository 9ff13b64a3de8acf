using FluentValidation;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Gateway.Accounts;

public sealed class DeclareAccountValidator : AbstractValidator<DeclareAccountRequest>
{
    public DeclareAccountValidator(TimeProvider clock)
    {
        RuleFor(r => r.IdNumber).ValidIdNumber();
        RuleFor(r => r.FullName).NotEmpty().MaximumLength(CitizenName.MaxLength)
            .Must(n => n is null || CitizenName.IsWellFormed(n)).WithMessage("The full name may contain only letters, spaces, apostrophes and hyphens.");
        RuleFor(r => r.DateOfBirth).NotNull()
            .Must(d => d is null || (d.Value.Year >= 1900 && d.Value <= VietnamTime.Today(clock)))
            .WithMessage("The date of birth must be a past date from 1900 on.");
        RuleFor(r => r.Gender).NotNull().IsInEnum();
        RuleFor(r => r.Phone).ValidPhone().When(r => r.Phone is not null);
        // A foreigner's passport number encodes nothing to compare.
        RuleFor(r => r.IdNumber).Must((r, id) => !PersonalIdNumber.TryParse(id, out var parsed, out _) ||
                                                 r.DateOfBirth is null || r.Gender is null ||
                                                 parsed.AgreesWith(r.DateOfBirth.Value, r.Gender.Value))
            .WithMessage("The ID number's century, gender and birth-year digits do not agree with the declared date of birth and gender.");
    }
}

public sealed class ActivateAccountValidator : AbstractValidator<ActivateAccountRequest>
{
    public ActivateAccountValidator(IOptions<PasswordPolicyOptions> passwordOptions)
    {
        RuleFor(r => r.Otp).ValidOneTimeCode();
        RuleFor(r => r.Password).ValidNewPassword(passwordOptions.Value);
    }
}

public sealed class LockAccountValidator : AbstractValidator<LockAccountRequest>
{
    public LockAccountValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(200);
}

public sealed class LoginValidator : AbstractValidator<LoginRequest>
{
    public LoginValidator()
    {
        RuleFor(r => r.IdNumber).ValidIdNumber();
        RuleFor(r => r.Password).NotEmpty().MaximumLength(128);
        RuleFor(r => r.StepUpCode).ValidOneTimeCode().When(r => r.StepUpCode is not null);
    }
}

public sealed class StepUpValidator : AbstractValidator<StepUpRequest>
{
    public StepUpValidator()
    {
        RuleFor(r => r.IdNumber).ValidIdNumber();
        RuleFor(r => r.Password).NotEmpty().MaximumLength(128);
    }
}

public sealed class AddEmailValidator : AbstractValidator<AddEmailRequest>
{
    public AddEmailValidator() => RuleFor(r => r.Email).NotEmpty().ValidEmail();
}

public sealed class ConfirmEmailValidator : AbstractValidator<ConfirmEmailRequest>
{
    public ConfirmEmailValidator() => RuleFor(r => r.Otp).ValidOneTimeCode();
}

public sealed class ConfirmUpgradeValidator : AbstractValidator<ConfirmUpgradeRequest>
{
    public ConfirmUpgradeValidator() => RuleFor(r => r.Otp).ValidOneTimeCode();
}

public sealed class ServiceTokenValidator : AbstractValidator<ServiceTokenRequest>
{
    public ServiceTokenValidator()
    {
        RuleFor(r => r.ClientId).NotEmpty().MaximumLength(64);
        RuleFor(r => r.ClientSecret).NotEmpty().MaximumLength(256);
        RuleFor(r => r.Code).NotEmpty().Matches("^[0-9]{6}$").WithMessage("The code is the 6 digits of the authenticator app.");
    }
}

public sealed class RefreshValidator : AbstractValidator<RefreshRequest>
{
    public RefreshValidator() =>
        RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200)
            .Must(t => t is null || (t.Split('.') is [var id, { Length: 32 }, { Length: > 0 }] && IdentityNumber.TryParse(id, out _, out _)))
            .WithMessage("This is not a refresh token.");
}

public sealed class StartRecoveryValidator : AbstractValidator<StartRecoveryRequest>
{
    public StartRecoveryValidator()
    {
        RuleFor(r => r.IdNumber).ValidIdNumber();
        this.PhoneOrEmail(r => r.Phone, r => r.Email, "The registered phone number or the account's confirmed e-mail address is needed.");
        RuleFor(r => r.Email).Empty().When(r => r.Phone is not null).WithMessage("Give the phone or the e-mail, not both.");
        RuleFor(r => r.FullName).NotEmpty().MaximumLength(CitizenName.MaxLength);
        RuleFor(r => r.DateOfBirth).NotNull();
        RuleFor(r => r.CardIssuedOn).NotNull().When(r => r.Phone is not null);
    }
}

public sealed class CompleteRecoveryValidator : AbstractValidator<CompleteRecoveryRequest>
{
    public CompleteRecoveryValidator(IOptions<PasswordPolicyOptions> passwordOptions)
    {
        RuleFor(r => r.Otp).ValidOneTimeCode();
        RuleFor(r => r.NewPassword).ValidNewPassword(passwordOptions.Value);
    }
}
