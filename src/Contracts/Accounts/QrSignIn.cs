namespace Orleans.VNeID.Accounts;

/// <summary>Where a QR sign-in stands.</summary>
public enum QrSignInStatus
{
    /// <summary>Shown on the computer, waiting for a phone.</summary>
    Waiting = 0,
    /// <summary>A signed-in phone approved it: the computer's browser may complete it (once).</summary>
    Approved = 1,
    /// <summary>The phone refused it.</summary>
    Refused = 2,
    /// <summary>Its time ran out (or the secret presented is not its own).</summary>
    Expired = 3,
    /// <summary>The computer completed it: it is spent.</summary>
    Completed = 4,
}

/// <summary>
/// A sign-in on a computer waiting for a phone: what the phone is shown (which service asks, what it will receive, from
/// which device and address, when), and the hashes of the two secrets: the one in the QR (the phone's) and the one in the
/// computer's cookie (the browser's).
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.QrSignInRequest")]
public sealed record QrSignInRequest(
    [property: Id(0)] byte[] ScanSecret,
    [property: Id(1)] byte[] BrowserSecret,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] string ServiceName,
    [property: Id(4)] IReadOnlyList<string> Receives,
    [property: Id(5)] string? Device,
    [property: Id(6)] string? Address,
    [property: Id(7)] DateTimeOffset RequestedAt,
    [property: Id(8)] IReadOnlyList<string> ReceivesEnglish);

/// <summary>What the phone shows before the citizen approves or refuses.</summary>
[GenerateSerializer, Immutable, Alias("vneid.QrSignInView")]
public sealed record QrSignInView(
    [property: Id(0)] string ServiceName,
    [property: Id(1)] IReadOnlyList<string> Receives,
    [property: Id(2)] string? Device,
    [property: Id(3)] string? Address,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] QrSignInStatus Status,
    [property: Id(7)] IReadOnlyList<string> ReceivesEnglish);

/// <summary>The approval the computer completes: whose account, and the phone's session that approved.</summary>
[GenerateSerializer, Immutable, Alias("vneid.QrApproval")]
public sealed record QrApproval(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string ApprovingSessionId);

/// <summary>
/// One QR sign-in, keyed by a random id (public: it names the QR, it proves nothing). The phone presents the QR's secret,
/// the computer its cookie's; only their SHA-256 hashes are kept. Single use: decided once, completed once, and only
/// before it expires. Kept in memory for its few minutes: a silo's loss forgets it, and the computer shows a new QR.
/// </summary>
public interface IQrSignInGrain : IGrainWithStringKey
{
    /// <summary>Starts it; false when the id was used before.</summary>
    Task<bool> StartAsync(QrSignInRequest request);

    /// <summary>The details for the phone that scanned it (the QR's secret), while it waits; else null.</summary>
    Task<QrSignInView?> ShowAsync(byte[] scanSecret);

    /// <summary>
    /// The signed-in phone approves (for <paramref name="accountId"/>, by its session) or refuses; once, before it expires.
    /// The answer is the status after the decision (<see cref="QrSignInStatus.Expired"/> for a wrong secret or too late).
    /// </summary>
    Task<QrSignInStatus> DecideAsync(byte[] scanSecret, bool approve, string accountId, string approvingSessionId);

    /// <summary>Where it stands, for the computer's browser (its cookie's secret); <see cref="QrSignInStatus.Expired"/> for another browser.</summary>
    Task<QrSignInStatus> StatusAsync(byte[] browserSecret);

    /// <summary>The approval, once, for the computer's browser that started it; null otherwise.</summary>
    Task<QrApproval?> CompleteAsync(byte[] browserSecret);
}
