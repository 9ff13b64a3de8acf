namespace Orleans.VNeID.Platform;

/// <summary>
/// A dependency behind the grains (the database) did not answer. Grains raise this instead of the driver's own
/// exception, which Orleans cannot carry to a client; the gateway answers 503 with Retry-After.
/// </summary>
[GenerateSerializer, Alias("vneid.PlatformUnavailableException")]
public sealed class PlatformUnavailableException : Exception
{
    public PlatformUnavailableException() { }

    public PlatformUnavailableException(string message) : base(message) { }

    public PlatformUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
