namespace Orleans.VNeID.Platform;

/// <summary>Whether the silo can reach its database.</summary>
public interface IPlatformHealthGrain : IGrainWithIntegerKey
{
    /// <summary>True when the database answers.</summary>
    Task<bool> IsDatabaseReachableAsync();
}
