using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;

namespace Orleans.VNeID.Gateway.Recovery;

/// <summary>Forgotten password (docs/domain.md, "The procedures"): details → code by SMS → new password. Answers never reveal whether an account exists.</summary>
public static class RecoveryApi
{
    public static IEndpointRouteBuilder MapRecoveryApi(this IEndpointRouteBuilder app)
    {
        var recovery = app.MapGroup("/api/v1/recovery").WithTags("Recovery");

        recovery.MapPost("/", StartAsync)
            .WithName("StartPasswordRecovery")
            .WithSummary("Ask for a recovery code")
            .WithDescription("When the ID number, registered phone, full name, date of birth and card issue date all match an active account, a code goes to the registered phone. The answer is the same whether or not they do.")
            .Validate<StartRecoveryRequest>()
            .ProducesProblems(429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        recovery.MapPost("/{idNumber}/nfc/challenge", NewChipChallenge)
            .WithName("NewNfcChallenge")
            .WithSummary("A fresh challenge for the chip ID card to sign (active authentication), before an NFC recovery")
            .WithDescription("The app has the chip sign `challenge` (8 bytes, base64) with INTERNAL AUTHENTICATE and sends the answer with " +
                             "`challengeToken` to the NFC recovery within 2 minutes: data copied off a card cannot answer it. The same " +
                             "answer for every ID number.")
            .ValidateIdNumberRoute()
            .ProducesValidationProblem()
            .ProducesProblems(429)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        recovery.MapPost("/{idNumber}/nfc", StartByChipAsync)
            .WithName("StartNfcPasswordRecovery")
            .WithSummary("Ask for a recovery code by reading the chip ID card over NFC")
            .WithDescription("The app reads EF.SOD and data groups 1 and 13 from the card's chip and sends them. The platform checks them by " +
                             "ICAO 9303 passive authentication (the document signer's signature, its certificate against the country signing CA, " +
                             "each data group's hash); a chip that fails is refused with chip_unreadable, chip_signature_invalid, " +
                             "chip_signer_unknown, chip_tampered, chip_not_present (no valid answer to this platform's fresh challenge: " +
                             "POST …/nfc/challenge) or chip_other_person. A genuine chip of the valid card on record sends a " +
                             "code to the registered phone of an active account. No card issue date is asked. After the chip's checks the " +
                             "answer is the same whether or not an account exists.")
            .ValidateIdNumberRoute()
            .ProducesValidationProblem()
            .Validate<NfcRecoveryRequest>()
            .ProducesProblems(422, 429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        recovery.MapPost("/{idNumber}/password", CompleteAsync)
            .WithName("CompletePasswordRecovery")
            .WithSummary("Set a new password with the recovery code")
            .WithDescription("Clears the failure counters and closes every session of the account.")
            .ValidateIdNumberRoute()
            .ProducesValidationProblem()
            .Validate<CompleteRecoveryRequest>()
            .ProducesProblems(422, 429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();
        app.MapPost("/api/v1/offices/{officeCode}/recoveries", AtOfficeAsync)
            .WithTags("Recovery")
            .WithName("RecoverPasswordAtOffice")
            .WithSummary("Recover a password with the citizen present at the officer's own office")
            .WithDescription("For a citizen without a card issue date on record, or who lost the phone as well: the portrait and fingerprint " +
                             "captured at the desk are matched against the templates on record (biometrics_mismatch otherwise), and a " +
                             "recovery code goes to the phone on record, or to a new phone given at the desk (the previous phone is told). " +
                             "The citizen then sets a new password at the completeUrl. A new phone is only recorded: the phone on record is " +
                             "told at once, and another officer of the office confirms it at the confirmUrl before the code goes to it. " +
                             "Office hours only. The match answers matched or not, never a score (biometrics_mismatch; biometrics_suspect " +
                             "when portrait and fingerprint disagree); failed matches count per citizen and per officer " +
                             "(biometric_attempts_exceeded), each in the citizen's audit trail and told to the citizen. The templates are dropped.")
            .Validate<OfficeRecoveryRequest>()
            .ProducesProblems(401, 403, 404, 409, 422, 429, 503)
            .RequireAuthorization(Policies.Officer);
        app.MapPost("/api/v1/offices/{officeCode}/recoveries/{idNumber}/confirmation", ConfirmNewPhoneAsync)
            .WithTags("Recovery")
            .WithName("ConfirmNewPhoneAtOffice")
            .WithSummary("A second officer of the office confirms the new phone recorded at a desk recovery; the code then goes to it")
            .WithDescription("Within the hour after another officer of the same office recorded it: the phone on record is replaced (old and new " +
                             "are told) and the recovery code goes to the new phone. The officer who recorded it cannot confirm it " +
                             "(second_person_required). Office hours only.")
            .ValidateIdNumberRoute()
            .ProducesValidationProblem()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Officer);
        return app;
    }

    public static async Task<Results<Accepted<OfficeRecoveryReceipt>, ProblemHttpResult>> AtOfficeAsync(
        string officeCode, OfficeRecoveryRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var result = await cluster.GetGrain<IOfficeRecoveryGrain>(officeCode).RecoverAsync(user.ToActor(), user.Office() ?? "", request.ToCommand());
        return result.Value is { } receipt ? TypedResults.Accepted(receipt.ConfirmUrl ?? receipt.CompleteUrl, receipt) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Accepted<OfficeRecoveryReceipt>, ProblemHttpResult>> ConfirmNewPhoneAsync(
        string officeCode, string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        var result = await cluster.GetGrain<IOfficeRecoveryGrain>(officeCode).ConfirmNewPhoneAsync(user.ToActor(), user.Office() ?? "", idNumber);
        return result.Value is { } receipt ? TypedResults.Accepted(receipt.CompleteUrl, receipt) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Accepted<RecoveryAccepted>, ProblemHttpResult>> StartAsync(
        StartRecoveryRequest request, IClusterClient cluster, RecoveryMismatchBudget mismatches, HttpContext http)
    {
        if (mismatches.Exhausted(http))
            return ProblemWriter.Refused(Errors.ErrorCatalogue.RecoveryAttemptsExceeded.Refuse(mismatches.Window), http);
        var matched = await cluster.Account(await cluster.AccountKeyAsync(request.IdNumber!)).StartRecoveryAsync(new StartRecovery(
            request.Phone, request.FullName!, request.DateOfBirth!.Value, request.CardIssuedOn, request.Email?.Trim()));
        // Wrong details are the requester's cost (this address's budget), never a lockout of the owner's codes.
        if (matched.Value is false) mismatches.Count(http);
        return TypedResults.Accepted((string?)null, new RecoveryAccepted(
            "If the details match an active account, a recovery code has been sent to its registered phone or confirmed e-mail address.",
            $"/api/v1/recovery/{request.IdNumber}/password"));
    }

    public static Ok<NfcChallenge> NewChipChallenge(string idNumber, NfcChallenges challenges)
    {
        var (token, challenge, expiresAt) = challenges.Issue(idNumber);
        return TypedResults.Ok(new NfcChallenge(token, Convert.ToBase64String(challenge), expiresAt));
    }

    public static async Task<Results<Accepted<RecoveryAccepted>, ProblemHttpResult>> StartByChipAsync(
        string idNumber, NfcRecoveryRequest request, IClusterClient cluster, NfcChallenges challenges, HttpContext http)
    {
        // A challenge of this platform's, for this ID number, not expired: else the chip proved nothing.
        if (challenges.Open(idNumber, request.ChallengeToken) is not { } challenge)
            return ProblemWriter.Refused(Errors.ErrorCatalogue.ChipNotPresent.Refuse("The challenge token is not this platform's for this ID number, or it expired."), http);
        var result = await cluster.Account(idNumber).StartNfcRecoveryAsync(request.ToChipRead(challenge));
        return result.Succeeded
            ? TypedResults.Accepted((string?)null, new RecoveryAccepted(
                "The chip passed passive authentication. If it is the valid card of an active account, a recovery code has been sent to its registered phone.",
                $"/api/v1/recovery/{idNumber}/password"))
            : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> CompleteAsync(
        string idNumber, CompleteRecoveryRequest request, IClusterClient cluster, HttpContext http)
    {
        var result = await cluster.Account(idNumber).CompleteRecoveryAsync(request.Otp!, request.NewPassword!, request.RemovePasskeys ?? false);
        return result.Succeeded ? TypedResults.NoContent() : ProblemWriter.Refused(result.Error!, http);
    }
}

/// <summary>The one answer to a recovery request.</summary>
public sealed record RecoveryAccepted(string Message, string CompleteUrl);
