using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.Gateway.Validation;

namespace Orleans.VNeID.Gateway.Passkeys;

/// <summary>
/// Passkeys on the API, for the VNeID app: a challenge/verify pair to sign in with a passkey alone, and the owner's
/// passkeys (options for a new one, add, list, remove). The JSON is WebAuthn's own (<c>PublicKeyCredential.toJSON()</c>
/// and the options' JSON form), so a platform's passkey API takes it as it is.
/// </summary>
public static class PasskeysApi
{
    public static IEndpointRouteBuilder MapPasskeysApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/v1/sessions/passkey").WithTags("Sessions");
        sessions.MapPost("/options", SignInOptions)
            .WithName("PasskeySignInOptions")
            .WithSummary("Options of a passkey sign-in (a challenge)")
            .WithDescription("WebAuthn request options (JSON form) with a fresh challenge, valid for 2 minutes and once: no allowed credentials (the passkey is discoverable and names its account), user verification required. 404 where passkeys are off (an IP-address host).")
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(404, 429)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();
        sessions.MapPost("/", SignInAsync)
            .WithName("PasskeySignIn")
            .WithSummary("Sign in with a passkey")
            .WithDescription("The authenticator's answer to the options' challenge (`credential`: PublicKeyCredential.toJSON()). Returns the same tokens as a password login; the access token's `amr` says `hwk` (a device-bound passkey) or `swk` (a synced one) and `mfa`. Any refusal is 401 passkey_invalid, alike for an unknown passkey, a removed one, a replayed or expired challenge and a failed check.")
            .Validate<PasskeyCredentialRequest>()
            .ProducesProblems(401, 429, 503)
            .RequireRateLimiting(RateLimits.PerAddress)
            .AllowAnonymous();

        var own = app.MapGroup("/api/v1/accounts/{idNumber}/passkeys").WithTags("Accounts").ValidateIdNumberRoute().ProducesValidationProblem()
            // The owner's alone, refused before the body is read: another citizen and staff learn nothing of its shape.
            .AddEndpointFilter(async (context, next) =>
                Owner(context.HttpContext.User, context.HttpContext.Request.RouteValues["idNumber"] as string ?? "") is null
                    ? ProblemWriter.NotYours()
                    : await next(context));
        own.MapPost("/options", CreationOptionsAsync)
            .WithName("NewPasskeyOptions")
            .WithSummary("Options of a new passkey (owner)")
            .WithDescription("WebAuthn creation options (JSON form) for this session: the account's user handle, its passkeys excluded, a resident key and user verification required. A level-2 account needs a code confirmed on this session in the last 10 minutes (403 fresh_code_required).")
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(401, 403, 404, 409, 503)
            .RequireAuthorization(Policies.Citizen);
        own.MapPost("/", AddAsync)
            .WithName("AddPasskey")
            .WithSummary("Add a passkey (owner)")
            .WithDescription("The authenticator's answer to the creation options (`credential`) and a name. The owner's phone, e-mail and notice list are told.")
            .Validate<PasskeyCredentialRequest>()
            .ProducesProblems(401, 403, 409, 503)
            .RequireAuthorization(Policies.Citizen);
        own.MapGet("/", ListAsync)
            .WithName("ListPasskeys")
            .WithSummary("The account's passkeys (owner)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Citizen);
        own.MapDelete("/{handle}", RemoveAsync)
            .WithName("RemovePasskey")
            .WithSummary("Remove a passkey (owner)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Citizen);
        return app;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> SignInOptions(PasskeyCeremonies ceremonies) =>
        ceremonies.Party is null
            ? ProblemWriter.Result(ErrorCatalogue.NotFound, "Passkeys are off: the provider's host is an IP address.")
            : TypedResults.Text(ceremonies.RequestOptions(ceremonies.Issue(PasskeyPurpose.SignIn, ""), []), "application/json");

    public static async Task<Results<Ok<AccessToken>, ProblemHttpResult>> SignInAsync(
        PasskeyCredentialRequest request, PasskeyCeremonies ceremonies, IClusterClient cluster, TokenIssuer issuer, HttpContext http)
    {
        if (await ceremonies.OpenSignInAsync(request.Credential!.Value.GetRawText(), cluster) is not var (account, answer, party))
            return ProblemWriter.Refused(ErrorCatalogue.PasskeyInvalid.Refuse(), http);
        var proof = await account.SignInWithPasskeyAsync(party, answer, DeviceName.From(http));
        return proof.Value is { } signedIn
            ? TypedResults.Ok(SessionsApi.CitizenTokens(issuer, signedIn.Grant, signedIn.Methods))
            : ProblemWriter.Refused(proof.Error!, http);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreationOptionsAsync(
        string idNumber, ClaimsPrincipal user, PasskeyCeremonies ceremonies, IClusterClient cluster, HttpContext http)
    {
        if (Owner(user, idNumber) is not { } session) return ProblemWriter.NotYours();
        if (ceremonies.Party is not { } party) return ProblemWriter.Result(ErrorCatalogue.NotFound, "Passkeys are off: the provider's host is an IP address.");
        var options = await cluster.Account(idNumber).PasskeyCreationOptionsAsync(session, party, ceremonies.Issue(PasskeyPurpose.Register, session));
        return options.Value is { } json ? TypedResults.Text(json, "application/json") : ProblemWriter.Refused(options.Error!, http);
    }

    private static async Task<Results<Created<PasskeySummary>, ProblemHttpResult>> AddAsync(
        string idNumber, PasskeyCredentialRequest request, ClaimsPrincipal user, PasskeyCeremonies ceremonies, IClusterClient cluster, HttpContext http)
    {
        if (Owner(user, idNumber) is not { } session) return ProblemWriter.NotYours();
        if (ceremonies.Party is not { } party ||
            await ceremonies.OpenAsync(request.Credential!.Value.GetRawText(), PasskeyPurpose.Register, session, cluster) is not { } answer)
            return ProblemWriter.Refused(ErrorCatalogue.PasskeyInvalid.Refuse(), http);
        var added = await cluster.Account(idNumber).AddPasskeyAsync(session, party, answer, request.Name ?? "");
        return added.Value is { } summary
            ? TypedResults.Created($"/api/v1/accounts/{idNumber}/passkeys/{summary.Handle}", summary)
            : ProblemWriter.Refused(added.Error!, http);
    }

    private static async Task<Results<Ok<IReadOnlyList<PasskeySummary>>, ProblemHttpResult>> ListAsync(string idNumber, ClaimsPrincipal user, IClusterClient cluster) =>
        Owner(user, idNumber) is { } session
            ? TypedResults.Ok(await cluster.Account(idNumber).GetPasskeysAsync(session))
            : ProblemWriter.NotYours();

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string idNumber, string handle, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (Owner(user, idNumber) is not { } session) return ProblemWriter.NotYours();
        return handle.Length <= 1400 && await cluster.Account(idNumber).RemovePasskeyAsync(session, handle)
            ? TypedResults.NoContent()
            : ProblemWriter.Result(ErrorCatalogue.NotFound, "The account has no passkey with this handle.");
    }

    /// <summary>The session of the owner's token, or null for anyone else (staff manage no citizen's passkeys).</summary>
    private static string? Owner(ClaimsPrincipal user, string idNumber) =>
        user.IsInRole(Roles.Citizen) && user.Identity?.Name == idNumber ? user.FindFirstValue(TokenIssuer.SessionClaim) : null;
}

/// <summary>An authenticator's answer (WebAuthn JSON) and, when adding a passkey, its name.</summary>
public sealed record PasskeyCredentialRequest(
    [property: Description("PublicKeyCredential.toJSON() of the ceremony's answer.")] JsonElement? Credential,
    [property: Description("Adding a passkey: what the owner calls it (at most 60 characters).")] string? Name);

public sealed class PasskeyCredentialValidator : AbstractValidator<PasskeyCredentialRequest>
{
    public PasskeyCredentialValidator()
    {
        RuleFor(r => r.Credential).Must(c => c is { ValueKind: JsonValueKind.Object } e && e.GetRawText().Length <= 16_384)
            .WithMessage("The credential is PublicKeyCredential.toJSON(): a JSON object of at most 16 KiB.");
        RuleFor(r => r.Name).MaximumLength(60);
    }
}
