using System.Reflection;

namespace Orleans.VNeID.Errors;

/// <summary>One stable error code: what clients branch on, the HTTP status it is answered with, and what it means.</summary>
public sealed record KnownError(string Code, int Status, string Meaning)
{
    /// <summary>A refusal with this code; the detail defaults to the code's meaning.</summary>
    public Refusal Refuse(string? detail = null) => new(Code, detail ?? Meaning);

    /// <summary>A refusal that may succeed after <paramref name="retryAfter"/> (answered with Retry-After).</summary>
    public Refusal Refuse(string detail, TimeSpan retryAfter) =>
        new(Code, detail) { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) };

    /// <summary>A refusal with the code's meaning that may succeed after <paramref name="retryAfter"/>.</summary>
    public Refusal Refuse(TimeSpan retryAfter) => Refuse(Meaning, retryAfter);

    public override string ToString() => Code;
}

/// <summary>
/// Every error code the platform answers with, defined once. Grains and the gateway refer to these, never to a literal;
/// the error table of docs/api.md is checked against this list by a test.
/// </summary>
public static class ErrorCatalogue
{
    public static readonly KnownError ValidationFailed = new("validation_failed", 400, "One or more fields are invalid; `errors` lists the messages per JSON field.");
    public static readonly KnownError CredentialProofInvalid = new("invalid_proof", 400, "The proof of the holder's key is missing or wrong: a JWT of type openid4vci-proof+jwt, ES256, its public key in the jwk header, for this issuer, made moments ago, with an unused nonce from POST /api/v1/credentials/nonce.");
    public static readonly KnownError MalformedRequest = new("malformed_request", 400, "The body is missing or is not valid JSON for the operation.");

    public static readonly KnownError Unauthorized = new("unauthorized", 401, "An access token is required.");
    public static readonly KnownError InvalidCredentials = new("invalid_credentials", 401, "The ID number or the password is wrong, or the account is locked.");
    public static readonly KnownError TokenExpired = new("token_expired", 401, "The access token has expired; refresh it or log in again.");
    public static readonly KnownError TokenRevoked = new("token_revoked", 401, "The session of this token has ended (logout, lock or password change). Log in again.");
    public static readonly KnownError InvalidToken = new("invalid_token", 401, "The access token is not valid.");
    public static readonly KnownError RefreshInvalid = new("refresh_invalid", 401, "The refresh token is not valid; log in again.");
    public static readonly KnownError StepUpRequired = new("step_up_required", 401, "Too many failed logins: log in with the password and a one-time code sent to the phone on record (POST /api/v1/sessions/step-up).");
    public static readonly KnownError PasskeyInvalid = new("passkey_invalid", 401, "The passkey's answer is not accepted: another site, a passkey this platform does not hold (or removed), a challenge expired or already used, or a failed check. Ask for a new challenge.");
    public static readonly KnownError RefreshReused = new("refresh_reused", 401, "This refresh token was already used; the session has been closed. Log in again.");

    public static readonly KnownError Forbidden = new("forbidden", 403, "This action is not allowed for the caller.");
    public static readonly KnownError FreshCodeRequired = new("fresh_code_required", 403, "A level-2 account adds a passkey only on a sign-in that proved the phone on record with a code in the last 10 minutes: request a code for this session and confirm it first.");
    public static readonly KnownError StaffReasonRequired = new("staff_reason_required", 403, "Outside an officer's office hours, or for an operator, reading a citizen's personal data needs a stated reason (header X-Access-Reason); it is audited and reported.");
    public static readonly KnownError NothingToConfirm = new("nothing_to_confirm", 409, "Nothing recorded at this office waits for a confirmation.");
    public static readonly KnownError SecondPersonRequired = new("second_person_required", 403, "The card's issue is confirmed by a second person: another officer of the office or an operator, never the officer who opened the dossier.");
    public static readonly KnownError NotTheRepresentative = new("not_the_representative", 403, "Only the legal representative the business register records for the organisation may do this.");
    public static readonly KnownError CrossOffice = new("cross_office", 403, "An officer acts only on dossiers of their own office.");

    public static readonly KnownError NotFound = new("not_found", 404, "There is no such route.");
    public static readonly KnownError AccountNotFound = new("account_not_found", 404, "No account has been declared for this personal ID number.");
    public static readonly KnownError DossierNotFound = new("dossier_not_found", 404, "No dossier matches this code and security code.");

    public static readonly KnownError CheckCodeInvalid = new("check_code_invalid", 422, "The check code does not match the one shown with the challenge, or the challenge has expired or was used: ask for a new one.");
    public static readonly KnownError ChipUnreadable = new("chip_unreadable", 422, "The chip data could not be read: EF.SOD and data groups 1 and 13, base64-encoded, are needed.");
    public static readonly KnownError ChipSignatureInvalid = new("chip_signature_invalid", 422, "The chip's security object (EF.SOD) is not validly signed by its document signer.");
    public static readonly KnownError ChipSignerUnknown = new("chip_signer_unknown", 422, "The chip's document signer is not certified by a country signing CA this platform trusts.");
    public static readonly KnownError ChipTampered = new("chip_tampered", 422, "A data group read from the chip does not match the hash its security object signed.");
    public static readonly KnownError ChipNotPresent = new("chip_not_present", 422, "The chip did not prove it is present: its active authentication over a fresh challenge of this platform (POST /api/v1/recovery/{id}/nfc/challenge) is missing or wrong. Data copied off a card is refused.");
    public static readonly KnownError ChipOtherPerson = new("chip_other_person", 422, "The chip is the card of another ID number than the account being recovered.");
    public static readonly KnownError BiometricsMismatch = new("biometrics_mismatch", 422, "The portrait and fingerprint captured at the desk do not match the templates enrolled for this ID number.");
    public static readonly KnownError CaptureNotTrusted = new("capture_not_trusted", 422, "The templates are not signed, moments ago, by a capture device enrolled to this office.");
    public static readonly KnownError BiometricsSuspect = new("biometrics_suspect", 422, "The capture is suspect (its portrait and fingerprint disagree): refused, recorded and reported to operators.");
    public static readonly KnownError BiometricAttemptsExceeded = new("biometric_attempts_exceeded", 429, "Too many failed biometric matches for this citizen or by this officer; desk matches are refused for a while.");
    public static readonly KnownError OrganisationNotFound = new("organisation_not_found", 404, "The business register has no operating organisation with this enterprise code, or the caller does not act for it.");
    public static readonly KnownError OfficeNotFound = new("office_not_found", 404, "There is no office with this code.");
    public static readonly KnownError NotEnrolled = new("not_enrolled", 404, "No templates are enrolled for this ID number (Development capture).");

    public static readonly KnownError MethodNotAllowed = new("method_not_allowed", 405, "The route does not take this HTTP method.");

    public static readonly KnownError InvalidState = new("invalid_state", 409, "The account's state does not permit this; `state` and `permittedTriggers` say what it does permit.");
    public static readonly KnownError AccountLocked = new("account_locked", 409, "A locked account cannot be upgraded until an officer unlocks it.");
    public static readonly KnownError CardNotIssued = new("card_not_issued", 409, "The ID-card database holds no issued chip card (number, issue date and templates) for this citizen yet.");
    public static readonly KnownError NotADependent = new("not_a_dependent", 409, "The child is not a dependent under 14 declared on this account at a police office.");
    public static readonly KnownError DossierNotOpen = new("dossier_not_open", 409, "Papers are added only to a dossier of the officer's office received that same day, in office hours, with the citizen present, and not refused.");
    public static readonly KnownError OrganisationExists = new("organisation_exists", 409, "The organisation already has an e-ID account.");
    public static readonly KnownError OrganisationNotActive = new("organisation_not_active", 409, "The organisation's account is waiting for its representative's activation, or is locked.");
    public static readonly KnownError PasskeyLimit = new("passkey_limit", 409, "The account holds the most passkeys allowed (10): remove one first.");
    public static readonly KnownError Level2Required = new("level2_required", 409, "Only a level-2 account holds documents; level 2 is registered in person at a police office.");

    public static readonly KnownError RequestTooLarge = new("request_too_large", 413, "The request body is larger than 64 KiB.");
    public static readonly KnownError UnsupportedMediaType = new("unsupported_media_type", 415, "The body must be application/json.");

    public static readonly KnownError RegistryMismatch = new("registry_mismatch", 422, "The declared ID number, full name, date of birth and gender do not match the National Population Database.");
    public static readonly KnownError NoPhoneOnRecord = new("no_phone_on_record", 422, "The population database holds no phone number for this citizen: register in person at a police office (level 2).");
    public static readonly KnownError UnderMinimumAge = new("under_minimum_age", 422, "The citizen is younger than the minimum age for an account of their own.");
    public static readonly KnownError OtpInvalid = new("otp_invalid", 422, "The code is wrong or has expired.");
    public static readonly KnownError OtpExpired = new("otp_expired", 422, "There is no valid activation code: request a new one.");
    public static readonly KnownError DocumentNotRegistered = new("document_not_registered", 422, "The register of this kind of paper holds no paper of this holder with this number.");
    public static readonly KnownError DocumentOtherPerson = new("document_other_person", 422, "The register says this paper belongs to another person than the account's holder.");
    public static readonly KnownError DocumentRevoked = new("document_revoked", 422, "The register says this paper has been revoked.");
    public static readonly KnownError DocumentExpired = new("document_expired", 422, "The register says this paper is no longer valid.");
    public static readonly KnownError OfficeClosed = new("office_closed", 422, "Dossiers are received only in the office's hours on working days.");

    public static readonly KnownError TooManyAttempts = new("too_many_attempts", 429, "Too many wrong passwords: logins are refused for a while.");
    public static readonly KnownError OtpLockedOut = new("otp_locked_out", 429, "Too many wrong codes: codes are refused for a while.");
    public static readonly KnownError OtpCooldown = new("otp_cooldown", 429, "A new code can be requested only after the cooldown since the previous one.");
    public static readonly KnownError OtpHourlyLimit = new("otp_hourly_limit", 429, "The hourly number of codes has been sent.");
    public static readonly KnownError OtpAttemptsExceeded = new("otp_attempts_exceeded", 429, "The code was entered wrongly too often and is void: request a new one.");
    public static readonly KnownError DeclarationAttemptsExceeded = new("declaration_attempts_exceeded", 429, "Too many declarations did not match the population database; declarations are refused for a while.");
    public static readonly KnownError RecoveryAttemptsExceeded = new("recovery_attempts_exceeded", 429, "Too many recovery requests from this address did not match an account; its recovery requests are refused for a while.");
    public static readonly KnownError RateLimited = new("rate_limited", 429, "Too many requests; try again later.");
    public static readonly KnownError OfficeDayFull = new("office_day_full", 429, "The office has numbered 99,999 dossiers today.");

    public static readonly KnownError InternalError = new("internal_error", 500, "An unexpected error occurred.");
    public static readonly KnownError ServiceUnavailable = new("service_unavailable", 503, "The identity cluster or its database did not answer; retry after Retry-After.");

    /// <summary>Every code above, in the order written.</summary>
    public static IReadOnlyList<KnownError> All { get; } = typeof(ErrorCatalogue)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(KnownError))
        .Select(f => (KnownError)f.GetValue(null)!)
        .ToArray();

    private static readonly Dictionary<string, KnownError> ByCode = All.ToDictionary(e => e.Code, StringComparer.Ordinal);

    /// <summary>The catalogue entry of a code; a code that is not in the catalogue is a defect.</summary>
    public static KnownError Find(string code) =>
        ByCode.TryGetValue(code, out var error) ? error : throw new KeyNotFoundException($"'{code}' is not in the error catalogue.");

    /// <summary>The catalogue as the Markdown table docs/api.md shows (regenerated by <c>vneid-silo error-table</c>).</summary>
    public static string MarkdownTable()
    {
        var table = new System.Text.StringBuilder("| code | status | meaning |\n|---|---:|---|\n");
        foreach (var error in All) table.Append($"| `{error.Code}` | {error.Status} | {error.Meaning.Replace("|", "\\|")} |\n");
        return table.ToString();
    }

    /// <summary>The code of an answer the framework gave with only a status (routing, body reading, authorization).</summary>
    public static KnownError ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => RequestTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => ServiceUnavailable,
        >= 500 => InternalError,
        _ => MalformedRequest,
    };
}
