namespace Orleans.VNeID.Platform;

/// <summary>Whether the silo can reach its database.</summary>
public interface IPlatformHealthGrain : IGrainWithIntegerKey
{
    /// <summary>True when the database answers.</summary>
    Task<bool> IsDatabaseReachableAsync();

    /// <summary>The platform's day in Vietnam by its domain clock (what "a child under 14" is reckoned against).</summary>
    Task<DateOnly> TodayAsync();
}
