using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Audit;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Hosting;

public static class GrainServices
{
    /// <summary>Options, clock, hashing and sealing: what every silo needs whatever its storage.</summary>
    public static IServiceCollection AddAccountServices(this IServiceCollection services)
    {
        services.AddOptions<OtpOptions>().BindConfiguration(OtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section);
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BruteForceOptions>().BindConfiguration(BruteForceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Biometrics.BiometricOptions>().BindConfiguration(Biometrics.BiometricOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Offices.CalendarOptions>().BindConfiguration(Offices.CalendarOptions.Section);
        services.AddOptions<Offices.OfficeOptions>().Configure<IConfiguration>((o, c) => c.GetSection(Offices.OfficeOptions.Section).Bind(o.Offices));
        services.TryAddSingleton(sp => new Offices.WorkingCalendar(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Offices.CalendarOptions>>().Value));
        services.TryAddSingleton<Offices.OfficeDirectory>();
        // PBKDF2 work factor; ASP.NET Core Identity's default (100,000 iterations of HMAC-SHA512) unless configured.
        services.AddOptions<PasswordHasherOptions>().BindConfiguration("PasswordHashing");
        services.TryAddKeyedSingleton(PlatformNames.DomainClock, TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<AccountState>, PasswordHasher<AccountState>>();
        services.TryAddSingleton<OtpCodes>();
        services.TryAddSingleton<SecretSealer>();
        services.TryAddSingleton<TimingEqualizer>();
        services.TryAddSingleton<AccountEventWriter>();
        services.AddSingleton<IIncomingGrainCallFilter, UnavailableDependencyFilter>();
        return services;
    }

    /// <summary>The PostgreSQL registry and outbox behind the connection string <see cref="PlatformNames.ConnectionStringName"/>.</summary>
    public static IServiceCollection AddPostgresBackends(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = PlatformDatabase.ConnectionString(configuration);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.TryAddSingleton<IPopulationRegistry, PostgresPopulationRegistry>();
        services.TryAddSingleton<PostgresOutbox>();
        services.TryAddSingleton<INotificationSender>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<ISentMessageReader>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<IDatabaseProbe>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<IAuditTrail, PostgresAuditTrail>();
        return services;
    }
}
