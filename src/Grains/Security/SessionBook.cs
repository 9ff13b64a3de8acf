using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>Login sessions. Section <c>Sessions</c>.</summary>
public sealed class SessionOptions
{
    public const string Section = "Sessions";

    /// <summary>How long a refresh token can be used. Default 30 days.</summary>
    public TimeSpan RefreshLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Open sessions per account; the oldest closes when a new one opens. Default 5.</summary>
    [Range(1, 50)] public int MaxPerAccount { get; set; } = 5;
}

/// <summary>One open session. Only hashes of refresh tokens are kept.</summary>
[GenerateSerializer, Alias("vneid.SessionRecord")]
public sealed class SessionRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public byte[] RefreshHash { get; set; } = [];
    /// <summary>Hashes of refresh tokens already rotated out; presenting one again means the token was stolen.</summary>
    [Id(2)] public List<byte[]> RotatedHashes { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset RefreshExpiresAt { get; set; }
    /// <summary>The browser or app that opened it, as its owner will recognise it ("Chrome, Linux"); never used for a decision.</summary>
    [Id(5)] public string? Device { get; set; }
    /// <summary>When this session last proved the phone on record with a code (a step-up or a sign-in code), else null.</summary>
    [Id(6)] public DateTimeOffset? CodeProvenAt { get; set; }
    /// <summary>The session's sign-in proved two factors (a password and a code, or a passkey with user verification).</summary>
    [Id(7)] public bool TwoFactors { get; set; }
}

public enum RefreshVerdict
{
    /// <summary>The current token: a new one replaces it.</summary>
    Rotated,
    /// <summary>A token already rotated out came back: someone holds a copy, and the session is closed.</summary>
    Reused,
    /// <summary>No such open session, or a token it never issued.</summary>
    Invalid,
}

/// <summary>
/// The session rules, apart from any grain: opening a session (oldest closed beyond the limit), rotating its refresh
/// token on every use, and closing the whole token family when a rotated-out token is presented again.
/// </summary>
public static class SessionBook
{
    /// <summary>Rotated-out token hashes remembered per session for reuse detection.</summary>
    public const int RotatedHashesKept = 10;

    /// <summary>Opens a session; the secret of its first refresh token is returned once and only its hash is kept.</summary>
    public static (SessionRecord Session, string Secret) Open(List<SessionRecord> sessions, SessionOptions options, DateTimeOffset now)
    {
        sessions.RemoveAll(s => s.RefreshExpiresAt <= now);
        while (sessions.Count >= options.MaxPerAccount) sessions.RemoveAt(0);
        var secret = NewSecret();
        var session = new SessionRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            RefreshHash = HashOf(secret),
            CreatedAt = now,
            RefreshExpiresAt = now + options.RefreshLifetime,
        };
        sessions.Add(session);
        return (session, secret);
    }

    /// <summary>Checks a presented refresh secret against the session and rotates, closes or refuses.</summary>
    public static RefreshVerdict Refresh(List<SessionRecord> sessions, string sessionId, string? presentedSecret, DateTimeOffset now,
        out SessionRecord? session, out string? newSecret)
    {
        newSecret = null;
        session = sessions.Find(s => s.Id == sessionId);
        if (session is null || session.RefreshExpiresAt <= now) return RefreshVerdict.Invalid;

        var presented = HashOf(presentedSecret ?? "");
        if (CryptographicOperations.FixedTimeEquals(presented, session.RefreshHash))
        {
            session.RotatedHashes.Add(session.RefreshHash);
            if (session.RotatedHashes.Count > RotatedHashesKept) session.RotatedHashes.RemoveAt(0);
            newSecret = NewSecret();
            session.RefreshHash = HashOf(newSecret);
            return RefreshVerdict.Rotated;
        }
        if (session.RotatedHashes.Any(h => CryptographicOperations.FixedTimeEquals(presented, h)))
        {
            sessions.Remove(session);
            return RefreshVerdict.Reused;
        }
        return RefreshVerdict.Invalid;
    }

    public static bool IsOpen(List<SessionRecord> sessions, string sessionId, DateTimeOffset now) =>
        sessions.Exists(s => s.Id == sessionId && s.RefreshExpiresAt > now);

    /// <summary>The name a session is shown by to its owner: unlinkable to its id, stable while it is open.</summary>
    public static string HandleOf(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("handle\n" + sessionId)))[..16];

    /// <summary>Closes one session; false when it was not open.</summary>
    public static bool Close(List<SessionRecord> sessions, string sessionId) => sessions.RemoveAll(s => s.Id == sessionId) > 0;

    /// <summary>The refresh token the client keeps: it names the account and session, so the gateway can route it.</summary>
    public static string RefreshToken(string accountId, string sessionId, string secret) => $"{accountId}.{sessionId}.{secret}";

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
