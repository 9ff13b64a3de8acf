using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Gateway.Development;

/// <summary>Development only: read the messages the platform sent, so a person can finish a registration by hand.</summary>
public static class DevelopmentApi
{
    public static IEndpointRouteBuilder MapDevelopmentApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/dev/messages", ListMessagesAsync)
            .WithTags("Development")
            .WithName("ListSentMessages")
            .WithSummary("Messages sent to a phone number or e-mail address, newest first (Development only)")
            .ProducesValidationProblem()
            .AllowAnonymous();
        app.MapGet("/api/v1/dev/capture/{idNumber}", CaptureAsync)
            .WithTags("Development")
            .WithName("SimulateCapture")
            .WithSummary("What the desk's camera and fingerprint reader would capture of a citizen, signed as the office's simulated device would sign it (`office`, default CAP-HG; Development only)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        app.MapGet("/api/v1/dev/staff-code/{clientId}", StaffCode)
            .WithTags("Development")
            .WithName("DemoStaffCode")
            .WithSummary("The current second-factor code of a demo service account, as its authenticator app would show it (Development only)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        app.MapGet("/api/v1/dev/chip/{idNumber}", ReadChipAsync)
            .WithTags("Development")
            .WithName("SimulateNfcRead")
            .WithSummary("What the VNeID app would read from a citizen's chip ID card over NFC, the card answering `challengeToken` (or a fresh challenge), as the NFC recovery body (Development only)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        app.MapGet("/api/v1/dev/lookup-check-code", (string? challenge, Dossiers.LookupChallenges challenges) =>
                challenges.CodeOf(challenge) is { } code
                    ? Results.Ok(code)
                    : ProblemWriter.Result(ErrorCatalogue.CheckCodeInvalid, "Not a live challenge of this platform."))
            .WithTags("Development")
            .WithName("ReadLookupCheckCode")
            .WithSummary("The check code a look-up page's picture shows for `challenge`, as a person would read it (Development only)")
            .Produces<string>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AllowAnonymous();
        return app;
    }

    public static Results<Ok<string>, ProblemHttpResult> StaffCode(string clientId,
        Microsoft.Extensions.Options.IOptions<Dictionary<string, Auth.ServiceAccount>> accounts, TimeProvider clock) =>
        accounts.Value.TryGetValue(clientId, out var account) && account.TotpSecret is { Length: > 0 } key
            ? TypedResults.Ok(Auth.StaffSecondFactor.CodeAt(key, clock.GetUtcNow()))
            : ProblemWriter.Result(ErrorCatalogue.NotFound, "No demo service account with a second factor has this id.");

    public static async Task<Results<Ok<Recovery.NfcRecoveryRequest>, ProblemHttpResult>> ReadChipAsync(string idNumber, string? challengeToken,
        IClusterClient cluster, Recovery.NfcChallenges challenges)
    {
        // The card answers the app's challenge (the one given, or a fresh one asked for it): the body is ready to send.
        var token = challengeToken;
        var challenge = challenges.Open(idNumber, token);
        if (challenge is null) (token, challenge, _) = challenges.Issue(idNumber);
        var chip = await cluster.GetGrain<ICaptureDeviceSimulatorGrain>(0).ReadChipAsync(idNumber, challenge);
        return chip is null
            ? ProblemWriter.Result(ErrorCatalogue.NotEnrolled, "No chip was issued for this ID number.")
            : TypedResults.Ok(new Recovery.NfcRecoveryRequest(Convert.ToBase64String(chip.SecurityObject),
                chip.DataGroups.ToDictionary(d => d.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), d => Convert.ToBase64String(d.Value)),
                token, Convert.ToBase64String(chip.ChallengeSignature!)));
    }

    public static async Task<Results<Ok<SimulatedCapture>, ProblemHttpResult>> CaptureAsync(
        string idNumber, double? noise, string? office, IClusterClient cluster)
    {
        // Signed as the simulated device of the office (default CAP-HG, the demo officer's).
        var officeCode = string.IsNullOrWhiteSpace(office) || office.Length > 20 || !office.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? "CAP-HG" : office;
        var capture = await cluster.GetGrain<ICaptureDeviceSimulatorGrain>(0).CaptureAsync(idNumber, Math.Clamp(noise ?? 0.1, 0, 5), officeCode);
        return capture is null
            ? ProblemWriter.Result(ErrorCatalogue.NotEnrolled, "No templates are enrolled for this ID number.")
            : TypedResults.Ok(capture);
    }

    public static async Task<Results<Ok<IReadOnlyList<SentMessage>>, ValidationProblem>> ListMessagesAsync(
        string? recipient, int? limit, IClusterClient cluster)
    {
        if (string.IsNullOrWhiteSpace(recipient) || recipient.Length > 254)
            return ProblemWriter.Validation(new Dictionary<string, string[]> { ["recipient"] = ["A phone number or e-mail address is required."] });
        var messages = await cluster.GetGrain<ISentMessagesGrain>(0).ListAsync(recipient.Trim(), limit ?? 20);
        return TypedResults.Ok(messages);
    }
}
