using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace IdentityCheck;

/// <summary>
/// The nonces of in-person presentations this desk has seen, for as long as such a presentation is valid: a QR shown a
/// second time (photographed and replayed) is refused.
/// </summary>
public sealed class ReplayGuard(IOptions<VerifierOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="nonce"/> is shown; false every time after.</summary>
    public bool FirstTime(string nonce)
    {
        var now = clock.GetUtcNow();
        var keep = options.Value.QrLifetime + options.Value.ClockSkew * 2;
        foreach (var (old, at) in _seen) if (now - at > keep) _seen.TryRemove(old, out _);
        return _seen.TryAdd(nonce, now);
    }
}
