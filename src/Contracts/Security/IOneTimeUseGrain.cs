namespace Orleans.VNeID.Security;

/// <summary>
/// Marks a short-lived value (a lookup screen's challenge) as used, across every gateway: the first to spend it gets
/// true, every later one false. Keyed by the value's kind and nonce (never a secret). Kept in memory until the value
/// expires: a silo's loss forgets it, which the value's own expiry bounds.
/// </summary>
public interface IOneTimeUseGrain : IGrainWithStringKey
{
    Task<bool> SpendAsync(DateTimeOffset expiresAt);
}
