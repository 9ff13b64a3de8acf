using System.ComponentModel;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// The app's side of a QR sign-in on a computer: the signed-in app reads the scanned QR's request (which service, from
/// where, what it will receive) and approves or refuses it. The computer's page goes on by itself.
/// </summary>
public static class QrSignInApi
{
    public static IEndpointRouteBuilder MapQrSignInApi(this IEndpointRouteBuilder app)
    {
        var qr = app.MapGroup("/api/v1/qr-sign-ins").WithTags("Sessions");
        qr.MapPost("/view", ViewAsync)
            .WithName("ViewQrSignIn")
            .WithSummary("What a scanned sign-in QR asks (citizen)")
            .WithDescription("The code is the QR's `c` parameter. 404 for a QR that expired, was decided or is not valid.")
            .Validate<QrCodeRequest>()
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Citizen);
        qr.MapPost("/decision", DecideAsync)
            .WithName("DecideQrSignIn")
            .WithSummary("Approve or refuse a scanned sign-in QR (citizen)")
            .WithDescription("Once per QR, before it expires (2 minutes). Approving signs the computer's browser that showed it in to this account, while this session stays open; a lock of the account ends it. The answer is the QR's status after the decision; 409 when it was already decided or expired.")
            .Validate<QrDecisionRequest>()
            .ProducesProblems(401, 403, 409, 503)
            .RequireAuthorization(Policies.Citizen);
        return app;
    }

    private static async Task<Results<Ok<QrSignInView>, ProblemHttpResult>> ViewAsync(QrCodeRequest request, IClusterClient cluster)
    {
        var qr = QrSignIn.ParseCode(request.Code)!.Value;
        return await cluster.GetGrain<IQrSignInGrain>(qr.Id).ShowAsync(qr.Secret) is { } view
            ? TypedResults.Ok(view)
            : ProblemWriter.Result(ErrorCatalogue.NotFound, "No sign-in waits for this QR: it expired, was decided or is not valid.");
    }

    private static async Task<Results<Ok<QrDecision>, ProblemHttpResult>> DecideAsync(QrDecisionRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        var qr = QrSignIn.ParseCode(request.Code)!.Value;
        var approve = request.Approve!.Value;
        var status = await cluster.GetGrain<IQrSignInGrain>(qr.Id).DecideAsync(qr.Secret, approve, user.Identity!.Name!,
            user.FindFirstValue(TokenIssuer.SessionClaim) ?? "");
        return status == (approve ? QrSignInStatus.Approved : QrSignInStatus.Refused)
            ? TypedResults.Ok(new QrDecision(status.ToString().ToLowerInvariant()))
            : ProblemWriter.Result(ErrorCatalogue.InvalidState, "This QR was already decided, or it expired.");
    }
}

public sealed record QrCodeRequest([property: Description("The scanned QR's `c` parameter.")] string? Code);

public sealed record QrDecisionRequest(
    [property: Description("The scanned QR's `c` parameter.")] string? Code,
    [property: Description("true approves the sign-in, false refuses it.")] bool? Approve);

public sealed record QrDecision(string Status);

public sealed class QrCodeValidator : AbstractValidator<QrCodeRequest>
{
    public QrCodeValidator() => RuleFor(r => r.Code).Must(c => QrSignIn.ParseCode(c) is not null).WithMessage("Not the code of a sign-in QR.");
}

public sealed class QrDecisionValidator : AbstractValidator<QrDecisionRequest>
{
    public QrDecisionValidator()
    {
        RuleFor(r => r.Code).Must(c => QrSignIn.ParseCode(c) is not null).WithMessage("Not the code of a sign-in QR.");
        RuleFor(r => r.Approve).NotNull();
    }
}
