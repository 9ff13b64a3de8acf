using FluentValidation;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Gateway.Validation;

/// <summary>Field rules several request validators share, each written once.</summary>
public static class FieldRules
{
    /// <summary>
    /// A personal ID number, or a foreigner's passport key (<c>FRA-18AB12345</c>), that parses; the failure says which rule
    /// it broke.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, string?> ValidIdNumber<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Custom((id, context) =>
        {
            if (!IdentityNumber.TryParse(id, out _, out var error)) context.AddFailure(error);
        });

    /// <summary>A Vietnamese mobile number: 10 digits starting with 0.</summary>
    public static IRuleBuilderOptions<T, string?> ValidPhone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^0[0-9]{9}$").WithMessage("A phone number has 10 digits and starts with 0.");

    /// <summary>An e-mail address of at most 254 characters.</summary>
    public static IRuleBuilderOptions<T, string?> ValidEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(254).EmailAddress();

    /// <summary>A one-time code of <see cref="OneTimeCode.Digits"/> digits.</summary>
    public static IRuleBuilderOptions<T, string?> ValidOneTimeCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Matches(OneTimeCode.Pattern).WithMessage($"The code has {OneTimeCode.Digits} digits.");

    /// <summary>A new password: every <see cref="PasswordPolicy"/> rule it breaks is a message.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> ValidNewPassword<T>(this IRuleBuilder<T, string?> rule, PasswordPolicyOptions policy) =>
        rule.Custom((password, context) =>
        {
            foreach (var problem in PasswordPolicy.Check(password, policy)) context.AddFailure(problem);
        });

    /// <summary>A biometric template from a capture device at the desk: 64 bytes, base64-encoded.</summary>
    public static IRuleBuilderOptions<T, string?> ValidTemplate<T>(this IRuleBuilder<T, string?> rule, string what) =>
        rule.Must(base64 =>
        {
            var buffer = new byte[64];
            return base64 is { Length: <= 100 } && Convert.TryFromBase64String(base64, buffer, out var written) && written == 64;
        }).WithMessage($"The {what} template is required: 64 bytes, base64-encoded.");

    /// <summary>Where the activation code goes: a phone number or, failing that, an e-mail address.</summary>
    public static void PhoneOrEmail<T>(this AbstractValidator<T> validator, Func<T, string?> phone, Func<T, string?> email, string need)
    {
        validator.RuleFor(r => phone(r)).ValidPhone().When(r => phone(r) is not null).OverridePropertyName("Phone");
        validator.RuleFor(r => email(r)).ValidEmail().When(r => email(r) is not null).OverridePropertyName("Email");
        validator.RuleFor(r => phone(r)).NotEmpty().When(r => string.IsNullOrEmpty(email(r))).WithMessage(need).OverridePropertyName("Phone");
    }
}
