using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>A settings class bound from one configuration section.</summary>
public interface ISettingsSection
{
    static abstract string ConfigurationSection { get; }
}

/// <summary>
/// Every setting is read one way: a class per section, bound from configuration — at start, with its data annotations
/// checked, where the services read it (<see cref="AddSettings{T}"/>); while the host is being built, through
/// <see cref="Read{T}"/> (checked the same way, so a bad value stops the host with the setting named).
/// </summary>
public static class Settings
{
    public static T Read<T>(this IConfiguration configuration) where T : class, ISettingsSection, new()
    {
        var settings = configuration.GetSection(T.ConfigurationSection).Get<T>() ?? new T();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), problems, validateAllProperties: true))
            throw new OptionsValidationException(T.ConfigurationSection, typeof(T), problems.Select(p => $"{T.ConfigurationSection}: {p.ErrorMessage}"));
        return settings;
    }

    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class, ISettingsSection =>
        services.AddOptions<T>().BindConfiguration(T.ConfigurationSection).ValidateDataAnnotations().ValidateOnStart();
}

/// <summary>The HTTP gateway's host. Section <c>Gateway</c>.</summary>
public sealed class GatewaySettings : ISettingsSection
{
    public const string Section = "Gateway";
    public static string ConfigurationSection => Section;

    /// <summary>The public listening addresses, separated by ';' (default http://127.0.0.1:8080).</summary>
    public string? Urls { get; set; }

    /// <summary>The management listener's port (/metrics apart from the public one); none when unset.</summary>
    [Range(0, 65535)] public int? ManagementPort { get; set; }

    /// <summary>The management listener's address.</summary>
    public string ManagementAddress { get; set; } = "127.0.0.1";

    /// <summary>The gateway runs inside a silo's host (vneid-node): grain calls are the silo's own.</summary>
    public bool CoHosted { get; set; }

    /// <summary>The host provides the cluster client (tests, a co-hosted node).</summary>
    public bool ClusterClientProvided { get; set; }

    /// <summary>The first public address.</summary>
    public string FirstUrl => Urls?.Split(';')[0] is { Length: > 0 } first ? first : "http://127.0.0.1:8080";
}

/// <summary>The Orleans dashboard for operators. Section <c>Dashboard</c>.</summary>
public sealed class DashboardSettings : ISettingsSection
{
    public const string Section = "Dashboard";
    public static string ConfigurationSection => Section;

    /// <summary>Whether the Orleans dashboard is served (by the silos and the gateway; operators sign in to it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a staff sign-in from a browser lasts, in minutes.</summary>
    [Range(1, 720)] public int SignInMinutes { get; set; } = 30;
}

/// <summary>The account-events stream on PostgreSQL. Section <c>Streams</c>.</summary>
public sealed class StreamSettings : ISettingsSection
{
    public const string Section = "Streams";
    public static string ConfigurationSection => Section;

    /// <summary>Whether the account-events stream runs: publishing, and its consumers (the live feed, the counts, relying parties' security events).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Queues the stream is partitioned into.</summary>
    [Range(1, 256)] public int Queues { get; set; } = 4;

    /// <summary>A message not delivered within this goes to the dead letters.</summary>
    public TimeSpan ExpiryTimeout { get; set; } = TimeSpan.FromDays(2);

    /// <summary>A message leased by a silo that died comes back after this.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A message leased this many times without being confirmed goes to the dead letters.</summary>
    [Range(1, 10_000)] public int MaxAttempts { get; set; } = 100;

    /// <summary>Messages a consumer takes per call.</summary>
    [Range(1, 10_000)] public int DeliveryBatch { get; set; } = 64;

    /// <summary>How often an idle queue is polled.</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>Traces and backlog gauges. Section <c>Telemetry</c>.</summary>
public sealed class TelemetrySettings : ISettingsSection
{
    public const string Section = "Telemetry";
    public static string ConfigurationSection => Section;

    /// <summary>Where traces and metrics are exported (OTLP); none when unset.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Traces written to the console (development).</summary>
    public bool ConsoleTraces { get; set; }

    /// <summary>How often the silos measure the outbox's and the stream's backlogs.</summary>
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A database outage logged once per window, with a count. Section <c>OutageLog</c>.</summary>
public sealed class OutageLogSettings : ISettingsSection
{
    public const string Section = "OutageLog";
    public static string ConfigurationSection => Section;

    /// <summary>During an outage of the cluster or the database, the first failure of each window is logged with its stack trace, the rest as one line with their count.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Staff sign-in with a second factor. Section <c>StaffSignIn</c>.</summary>
public sealed class StaffSignInSettings : ISettingsSection
{
    public const string Section = "StaffSignIn";
    public static string ConfigurationSection => Section;

    /// <summary>A code of a time step already used is refused (off only in Development; refused elsewhere).</summary>
    public bool RefuseReplayedCodes { get; set; } = true;
}

/// <summary>Development only: the domain's time shifted, for office hours and deadlines. Section <c>DomainClock</c>.</summary>
public sealed class DomainClockSettings : ISettingsSection
{
    public const string Section = "DomainClock";
    public static string ConfigurationSection => Section;

    /// <summary>The moment the domain clock starts at (ISO 8601 with its offset); the real time when unset.</summary>
    public DateTimeOffset? StartAt { get; set; }
}

/// <summary>Account grains in memory. Section <c>Accounts</c>.</summary>
public sealed class AccountMemorySettings : ISettingsSection
{
    public const string Section = "Accounts";
    public static string ConfigurationSection => Section;

    /// <summary>An account idle this long is deactivated; the next request reactivates it from storage.</summary>
    public TimeSpan IdleDeactivationAfter { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The account console. Section <c>Console</c>.</summary>
public sealed class ConsoleSettings : ISettingsSection
{
    public const string Section = "Console";
    public static string ConfigurationSection => Section;

    /// <summary>Where the console reaches the provider (default: the gateway's first address).</summary>
    public string? ProviderAddress { get; set; }
}

/// <summary>Passkeys (WebAuthn). Section <c>Passkeys</c>.</summary>
public sealed class PasskeySettings : ISettingsSection
{
    public const string Section = "Passkeys";
    public static string ConfigurationSection => Section;

    /// <summary>The WebAuthn RP ID (default: the issuer's host; never an IP address).</summary>
    public string? RelyingPartyId { get; set; }

    /// <summary>The origins a browser may answer from (default: the issuer's).</summary>
    public string[] Origins { get; set; } = [];
}
