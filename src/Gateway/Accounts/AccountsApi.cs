using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>Citizen accounts: declaration, activation codes, activation, lock and unlock, reads.</summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/v1/accounts").WithTags("Accounts");

        accounts.MapPost("/", DeclareAsync)
            .WithName("DeclareAccount")
            .WithSummary("Declare a level-1 account")
            .WithDescription("Checks the ID number, full name, date of birth and gender against the population registry and sends a 6-digit activation code to the phone on record there (never to a typed phone). An ID number that already has an account gets the same answer, and its owner is told. Declarations that do not match count against a budget per ID number and per client address.")
            .Validate<DeclareAccountRequest>()
            .ProducesProblems(422, 429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        var account = accounts.MapGroup("/{idNumber}").ValidateIdNumberRoute().ProducesValidationProblem();

        account.MapPost("/otp", ResendOtpAsync)
            .WithName("ResendOtp")
            .WithSummary("Send a new activation code")
            .WithDescription("When the account waits for activation, a new code goes to the phone on record (at most one per cooldown period and a limited number per hour; the previous code becomes void). The answer is the same whether or not an account exists, in any state.")
            .ProducesProblems(429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        account.MapPost("/activation", ActivateAsync)
            .WithName("ActivateAccount")
            .WithSummary("Activate with the code and a new password")
            .WithDescription("A wrong, expired or void code, and an ID number with no account waiting for activation, all answer 422 otp_invalid; too many wrong codes answer 429.")
            .Validate<ActivateAccountRequest>()
            .ProducesProblems(422, 429, 503)
            .LimitPerAddressAndAccount()
            .AllowAnonymous();

        account.MapPost("/email", AddEmailAsync)
            .WithName("AddEmail")
            .WithSummary("Add an e-mail address as a second channel (owner)")
            .WithDescription("Sends a code to the address; it becomes the account's when the code comes back. The phone and e-mail on record are told of the change.")
            .Validate<AddEmailRequest>()
            .ProducesProblems(401, 403, 409, 429, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapPost("/email/confirmation", ConfirmEmailAsync)
            .WithName("ConfirmEmail")
            .WithSummary("Confirm the new e-mail address with its code (owner)")
            .Validate<ConfirmEmailRequest>()
            .ProducesProblems(401, 403, 409, 422, 429, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapPost("/level2/confirmation", ConfirmUpgradeAsync)
            .WithName("ConfirmLevel2Upgrade")
            .WithSummary("Confirm a level-2 upgrade with its code (owner)")
            .WithDescription("After the biometrics matched at an office, a level-1 account stays usable at level 1 (status pendingUpgrade) until the owner sends the code the office's match sent to the phone on record. The password does not change. A wrong, expired or void code, or no upgrade waiting, answers 422 otp_invalid; too many wrong codes answer 429.")
            .Validate<ConfirmUpgradeRequest>()
            .ProducesProblems(401, 403, 422, 429, 503)
            .RequireAuthorization(Policies.Citizen);

        account.MapPost("/lock", LockAsync)
            .WithName("LockAccount")
            .WithSummary("Lock the account (owner, officer or operator)")
            .WithDescription("Remembers the state the account was in; unlocking returns it there.")
            .Validate<LockAccountRequest>()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);

        account.MapPost("/unlock", UnlockAsync)
            .WithName("UnlockAccount")
            .WithSummary("Unlock the account (officer or operator)")
            .Validate<LockAccountRequest>()
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Staff);

        account.MapGet("/", GetAsync)
            .WithName("GetAccount")
            .WithSummary("Read the account's profile and status (owner, officer or operator)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);

        account.MapGet("/status", GetStatusAsync)
            .WithName("GetAccountStatus")
            .WithSummary("Read the account's state and level (owner, officer or operator)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.AnyAuthenticated);

        account.MapGet("/audit", ReadAuditTrailAsync)
            .WithName("ReadAuditTrail")
            .WithSummary("Read the account's audit trail and whether its hash chain verifies (operator)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Operator);

        return app;
    }

    public static async Task<Results<Accepted<DeclarationAccepted>, ProblemHttpResult>> DeclareAsync(
        DeclareAccountRequest request, IClusterClient cluster, RegistryMismatchBudget mismatches, HttpContext http)
    {
        if (mismatches.Exhausted(http))
            return ProblemWriter.Refused(ErrorCatalogue.DeclarationAttemptsExceeded.Refuse(mismatches.Window), http);
        var declaration = new DeclareAccount(request.FullName!.Trim(), request.DateOfBirth!.Value, request.Gender!.Value, request.Phone?.Trim());
        var result = await Account(cluster, request.IdNumber!).DeclareAsync(declaration);
        if (result.Error?.Code == ErrorCatalogue.RegistryMismatch.Code) mismatches.Count(http);
        // The same answer for a new account and for one that already existed (its owner is told): no enumeration.
        return result.Succeeded
            ? TypedResults.Accepted($"/api/v1/accounts/{request.IdNumber}/activation", new DeclarationAccepted(
                "The declaration matches the population database (a foreigner's: the immigration database). An activation code has been sent to the phone on record; it is valid for the stated time.",
                result.Value,
                $"/api/v1/accounts/{request.IdNumber}/activation"))
            : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Ok<AuditTrailView>> ReadAuditTrailAsync(string idNumber, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<IAuditTrailGrain>(0).ReadAsync(idNumber));

    public static async Task<Accepted<CodeRequested>> ResendOtpAsync(string idNumber, IClusterClient cluster)
    {
        await Account(cluster, idNumber).ResendOtpAsync();
        return TypedResults.Accepted((string?)null, new CodeRequested(
            "If an account with this ID number is waiting for activation, a new code has been sent to the phone on record.",
            $"/api/v1/accounts/{idNumber}/activation"));
    }

    public static async Task<Results<Ok<AccountStatusView>, ProblemHttpResult>> ActivateAsync(
        string idNumber, ActivateAccountRequest request, IClusterClient cluster, HttpContext http)
    {
        var result = await Account(cluster, idNumber).ActivateAsync(request.Otp!, request.Password!);
        // Whoever brings the code may activate, but the answer still carries no personal data: status and level only.
        return result.Value is { } view ? TypedResults.Ok(AccountStatusView.Of(view)) : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Accepted<EmailCodeSent>, ProblemHttpResult>> AddEmailAsync(
        string idNumber, AddEmailRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        var result = await Account(cluster, idNumber).RequestEmailAsync(request.Email!);
        return result.Succeeded
            ? TypedResults.Accepted($"/api/v1/accounts/{idNumber}/email/confirmation", new EmailCodeSent(
                "A code has been sent to the new address; send it back to confirm the address.", result.Value))
            : ProblemWriter.Refused(result.Error!, http);
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ConfirmUpgradeAsync(
        string idNumber, ConfirmUpgradeRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        return Answer(await Account(cluster, idNumber).ConfirmUpgradeAsync(request.Otp!), http);
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ConfirmEmailAsync(
        string idNumber, ConfirmEmailRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (user.Identity?.Name != idNumber) return ProblemWriter.NotYours();
        return Answer(await Account(cluster, idNumber).ConfirmEmailAsync(request.Otp!), http);
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> LockAsync(
        string idNumber, LockAccountRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!user.MayActOn(idNumber)) return ProblemWriter.NotYours();
        return Answer(await Account(cluster, idNumber).LockAsync(user.ToActor(), request.Reason!.Trim()), http);
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> UnlockAsync(
        string idNumber, LockAccountRequest request, ClaimsPrincipal user, IClusterClient cluster, HttpContext http) =>
        Answer(await Account(cluster, idNumber).UnlockAsync(user.ToActor(), request.Reason!.Trim()), http);

    public static Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAsync(
        string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http) =>
        AccountReads.ReadOwnAsync(http, idNumber, cluster, account => ReadAsync(account, idNumber, http), personalData: "account (name, date of birth, contacts)");

    public static Task<Results<Ok<AccountStatusView>, ProblemHttpResult>> GetStatusAsync(
        string idNumber, ClaimsPrincipal user, IClusterClient cluster, HttpContext http) =>
        AccountReads.ReadOwnAsync(http, idNumber, cluster, async account =>
            await ReadAsync(account, idNumber, http) is { } view ? AccountStatusView.Of(view) : null);

    /// <summary>An owner's read answers from this request's session check (one grain turn); staff reads ask the grain.</summary>
    private static Task<AccountView?> ReadAsync(ICitizenAccountGrain account, string idNumber, HttpContext http) =>
        SessionAccount.ThisRequest(http, idNumber) is { } view ? Task.FromResult<AccountView?>(view) : account.GetAsync();

    private static ICitizenAccountGrain Account(IClusterClient cluster, string idNumber) =>
        cluster.Account(idNumber);

    private static Results<Ok<AccountView>, ProblemHttpResult> Answer(Result<AccountView> result, HttpContext http) =>
        result.Succeeded ? TypedResults.Ok(result.Value) : ProblemWriter.Refused(result.Error!, http);

}

/// <summary>A declaration was accepted; where to send the code and the password next.</summary>
public sealed record DeclarationAccepted(string Message, int CodeValiditySeconds, string ActivationUrl);

/// <summary>An account's state and level, without personal data.</summary>
public sealed record AccountStatusView(string IdNumber, AccountStatus Status, AccountLevel Level, AccountLevel ActivationTarget)
{
    public static AccountStatusView Of(AccountView view) => new(view.IdNumber, view.Status, view.Level, view.ActivationTarget);
}

/// <summary>The one answer to a request for a code that goes to the phone on record.</summary>
public sealed record CodeRequested(string Message, string NextUrl);

/// <summary>A confirmation code went to the new e-mail address.</summary>
public sealed record EmailCodeSent(string Message, int CodeValiditySeconds);
