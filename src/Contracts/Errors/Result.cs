namespace Orleans.VNeID.Errors;

/// <summary>
/// An expected failure: a stable <see cref="Code"/> from the <see cref="ErrorCatalogue"/> and a human detail. Crosses the
/// grain boundary; the gateway answers it as RFC 9457 problem details with the catalogue's status.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.Refusal")]
public sealed record Refusal(
    [property: Id(0)] string Code,
    [property: Id(1)] string Detail)
{
    /// <summary>For lifecycle conflicts: the state the account is in.</summary>
    [Id(2)] public string? State { get; init; }

    /// <summary>For lifecycle conflicts: the triggers that state permits.</summary>
    [Id(3)] public IReadOnlyList<string>? PermittedTriggers { get; init; }

    /// <summary>For limits: seconds until the request may succeed.</summary>
    [Id(4)] public int? RetryAfterSeconds { get; init; }

    /// <summary>For validation: field name → messages.</summary>
    [Id(5)] public IReadOnlyDictionary<string, string[]>? FieldErrors { get; init; }

    /// <summary>The catalogue entry: status and meaning.</summary>
    public KnownError Error => ErrorCatalogue.Find(Code);
}

/// <summary>
/// An answer the caller's side holds back for <see cref="Pace"/> before passing it on: an anonymous command that committed
/// nothing answers as late as one that committed, without the grain itself waiting (its turn stays free for the owner).
/// </summary>
public interface IPacedAnswer
{
    TimeSpan Pace { get; }
}

/// <summary>The answer to a command: its value, or the refusal that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("vneid.Result`1")]
public sealed record Result<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] Refusal? Error) : IPacedAnswer
{
    public bool Succeeded => Error is null;

    /// <summary>How long the caller waits before answering (zero unless the command imitated a commit it did not make).</summary>
    [Id(2)] public TimeSpan Pace { get; init; }

    public static implicit operator Result<T>(Refusal refusal) => new(default, refusal);
}

public static class Result
{
    public static Result<T> Ok<T>(T value) => new(value, null);
}
