using System.ComponentModel.DataAnnotations;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo;

/// <summary>This silo's endpoints. Section <c>Silo</c>; override per process with VNEID_Silo__SiloPort etc.</summary>
public sealed class SiloOptions : ISettingsSection
{
    public const string Section = "Silo";
    public static string ConfigurationSection => Section;

    /// <summary>Address other silos and clients reach this one at. Default 127.0.0.1.</summary>
    [Required] public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the gateway) connect to. Default 30000.</summary>
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The management port: <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c> over HTTP. Default 0: a free
    /// port, written to the log (scripts/up.sh gives silo N port 9400+N; Kubernetes 8080).
    /// </summary>
    [Range(0, 65535)] public int ManagementPort { get; set; }

    /// <summary>The address the management port listens on; default <see cref="AdvertisedAddress"/> (0.0.0.0 in a pod).</summary>
    public string? ManagementAddress { get; set; }
}
