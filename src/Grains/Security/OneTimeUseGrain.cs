using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <inheritdoc cref="IOneTimeUseGrain"/>
public sealed class OneTimeUseGrain(TimeProvider clock) : Grain, IOneTimeUseGrain
{
    private bool _spent;

    public Task<bool> SpendAsync(DateTimeOffset expiresAt)
    {
        if (_spent) return Task.FromResult(false);
        _spent = true;
        // Remembered as long as the value could still be presented.
        var left = expiresAt - clock.GetUtcNow();
        if (left > TimeSpan.Zero) DelayDeactivation(left + TimeSpan.FromMinutes(1));
        return Task.FromResult(true);
    }
}
