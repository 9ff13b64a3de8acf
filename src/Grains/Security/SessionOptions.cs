using System.ComponentModel.DataAnnotations;

namespace Orleans.VNeID.Security;

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
}
