using System.ComponentModel;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>A level-1 declaration: the four registry fields. The activation code goes to the phone on record in the registry.</summary>
public sealed record DeclareAccountRequest(
    [property: Description(Hosting.IdNumberParameterTransformer.Description)] string? IdNumber,
    [property: Description("Full name with Vietnamese diacritics, as in the population database; a foreigner's as the passport writes it, in Latin letters.")] string? FullName,
    [property: Description("Date of birth, yyyy-MM-dd.")] DateOnly? DateOfBirth,
    [property: Description("male or female.")] Gender? Gender,
    [property: Description("Optional: the citizen's mobile number (10 digits starting with 0). Only compared with the phone on record; the code is sent to the phone on record, never to this one.")] string? Phone) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>The activation code and the password the citizen chooses.</summary>
public sealed record ActivateAccountRequest(
    [property: Description("The 6-digit code sent by SMS or e-mail.")] string? Otp,
    [property: Description("8-20 characters with a digit, an upper-case and a lower-case letter and one of !@#$^*()_.")] string? Password);

/// <summary>Why an account is locked or unlocked.</summary>
public sealed record LockAccountRequest(
    [property: Description("Why, in a few words (kept in the account's record).")] string? Reason);

/// <summary>A citizen's login; after too many failed logins it also needs the step-up code sent to the phone on record.</summary>
public sealed record LoginRequest(
    string? IdNumber,
    string? Password,
    [property: Description("Only when a login answered step_up_required: the 6-digit code POST /api/v1/sessions/step-up sent to the phone on record.")] string? StepUpCode = null) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>
/// Asks for a step-up code for an account whose logins need one. The password is part of the request: only its holder
/// spends the owner's code budget, so a stranger who knows the ID number cannot use the owner's codes up.
/// </summary>
public sealed record StepUpRequest(
    string? IdNumber,
    [property: Description("The account's password: the code is sent only when it is right (the answer is the same either way).")] string? Password) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>An e-mail address the owner adds as a second channel.</summary>
public sealed record AddEmailRequest([property: Description("The e-mail address; a code is sent to it.")] string? Email);

/// <summary>The code sent to the new e-mail address.</summary>
public sealed record ConfirmEmailRequest([property: Description("The 6-digit code sent to the new address.")] string? Otp);

/// <summary>The code a level-2 match at an office sent to the phone on record.</summary>
public sealed record ConfirmUpgradeRequest([property: Description("The 6-digit code sent when the biometrics matched.")] string? Otp);

/// <summary>A refresh token from a login or an earlier refresh.</summary>
public sealed record RefreshRequest([property: Description("The refresh token; each one works once.")] string? RefreshToken) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => RefreshToken?.Split('.')[0];
}

/// <summary>Forgotten password, step one: the registered phone and the details the population registry holds.</summary>
public sealed record StartRecoveryRequest(
    string? IdNumber,
    [property: Description("The phone number registered on the account; the code goes to it. Or give the e-mail instead.")] string? Phone,
    string? FullName,
    DateOnly? DateOfBirth,
    [property: Description("Issue date of the chip ID card (a foreigner: of the passport), yyyy-MM-dd. Required with the phone; with the e-mail only for a citizen who holds a card.")] DateOnly? CardIssuedOn,
    [property: Description("The account's confirmed e-mail address, instead of the phone; the code goes to it.")] string? Email = null) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>Forgotten password, step two: the code sent by SMS and the new password.</summary>
public sealed record CompleteRecoveryRequest(
    string? Otp,
    string? NewPassword,
    [property: System.ComponentModel.Description("Also remove every passkey of the account (a lost device held one). Default false.")] bool? RemovePasskeys = null);

/// <summary>An officer's or operator's service-account login.</summary>
public sealed record ServiceTokenRequest(
    string? ClientId,
    string? ClientSecret,
    [property: Description("The 6-digit code of the authenticator app enrolled for the service account (TOTP, RFC 6238).")] string? Code);
