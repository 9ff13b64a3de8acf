using System.ComponentModel;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>A level-1 declaration: the four registry fields and where to send the activation code.</summary>
public sealed record DeclareAccountRequest(
    [property: Description("12-digit personal identification number.")] string? IdNumber,
    [property: Description("Full name with Vietnamese diacritics, as in the population database.")] string? FullName,
    [property: Description("Date of birth, yyyy-MM-dd.")] DateOnly? DateOfBirth,
    [property: Description("male or female.")] Gender? Gender,
    [property: Description("Mobile number, 10 digits starting with 0.")] string? Phone,
    [property: Description("E-mail address.")] string? Email) : IAccountRequest
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

/// <summary>A citizen's login.</summary>
public sealed record LoginRequest(string? IdNumber, string? Password) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>A refresh token from a login or an earlier refresh.</summary>
public sealed record RefreshRequest([property: Description("The refresh token; each one works once.")] string? RefreshToken) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => RefreshToken?.Split('.')[0];
}

/// <summary>Forgotten password, step one: the registered phone and the details the population registry holds.</summary>
public sealed record StartRecoveryRequest(
    string? IdNumber,
    [property: Description("The phone number registered on the account.")] string? Phone,
    string? FullName,
    DateOnly? DateOfBirth,
    [property: Description("Issue date of the chip ID card, yyyy-MM-dd.")] DateOnly? CardIssuedOn) : IAccountRequest
{
    string? IAccountRequest.AccountIdNumber => IdNumber;
}

/// <summary>Forgotten password, step two: the code sent by SMS and the new password.</summary>
public sealed record CompleteRecoveryRequest(string? Otp, string? NewPassword);

/// <summary>An officer's or operator's service-account login.</summary>
public sealed record ServiceTokenRequest(string? ClientId, string? ClientSecret);
