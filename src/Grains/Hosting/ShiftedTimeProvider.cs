namespace Orleans.VNeID.Grains.Hosting;

/// <summary>
/// Development only: domain time that starts at a chosen instant and runs on from there, so a person can see what the
/// platform does on a Saturday afternoon or before Tết without waiting for it. Orleans' own clock is not shifted.
/// </summary>
public sealed class ShiftedTimeProvider(DateTimeOffset startAt, TimeProvider? real = null) : TimeProvider
{
    private readonly TimeProvider _real = real ?? System;
    private readonly TimeSpan _shift = startAt - (real ?? System).GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _real.GetUtcNow() + _shift;
}
