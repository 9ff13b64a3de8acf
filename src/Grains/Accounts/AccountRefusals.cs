using Orleans.VNeID.Errors;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>The refusals account commands share, with their details; codes and statuses come from the catalogue.</summary>
public static class AccountRefusals
{
    public static Refusal NotFound() => ErrorCatalogue.AccountNotFound.Refuse();

    /// <summary>Wrong password, unknown ID and locked account answer alike.</summary>
    public static Refusal InvalidCredentials() => ErrorCatalogue.InvalidCredentials.Refuse();

    public static Refusal InvalidRefresh() => ErrorCatalogue.RefreshInvalid.Refuse();

    /// <summary>A wrong, expired or void code, and a code where none is pending, answer alike.</summary>
    public static Refusal InvalidCode() => ErrorCatalogue.OtpInvalid.Refuse("The code is wrong, has expired or is void; request a new one.");

    public static Refusal Validation(Dictionary<string, string[]> fieldErrors) =>
        ErrorCatalogue.ValidationFailed.Refuse("One or more fields are invalid.") with { FieldErrors = fieldErrors };

    public static Refusal LoginLockedOut(TimeSpan retryAfter) => ErrorCatalogue.TooManyAttempts.Refuse(retryAfter);

    public static Refusal OtpLockedOut(TimeSpan retryAfter) => ErrorCatalogue.OtpLockedOut.Refuse(retryAfter);

    public static Refusal Level2Required() => ErrorCatalogue.Level2Required.Refuse();
}
