using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Offices;
using Orleans.Storage;
using Orleans.VNeID.Grains.Storage;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.Hosting;

public static class GrainServices
{
    /// <summary>Options, clock, hashing and sealing: what every silo needs whatever its storage.</summary>
    public static IServiceCollection AddAccountServices(this IServiceCollection services)
    {
        services.AddOptions<OtpOptions>().BindConfiguration(OtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section);
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SealingOptions>().BindConfiguration(SealingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BruteForceOptions>().BindConfiguration(BruteForceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BiometricOptions>().BindConfiguration(BiometricOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Orleans.VNeID.Grains.OfficeDesk.DeskBiometrics>();
        services.AddOptions<Dictionary<string, Orleans.VNeID.Grains.OfficeDesk.CaptureDevice>>().BindConfiguration(Orleans.VNeID.Grains.OfficeDesk.CaptureDevices.Section);
        services.TryAddSingleton<Orleans.VNeID.Grains.OfficeDesk.CaptureDevices>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section);
        services.AddOptions<CalendarOptions>().BindConfiguration(CalendarOptions.Section);
        services.AddOptions<Orleans.VNeID.Grains.Dossiers.DossierOptions>().BindConfiguration(Orleans.VNeID.Grains.Dossiers.DossierOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOfficeSettings();
        services.TryAddSingleton(sp => new WorkingCalendar(sp.GetRequiredService<IOptions<CalendarOptions>>().Value));
        services.TryAddSingleton<OfficeDirectory>();
        // PBKDF2 work factor; ASP.NET Core Identity's default (100,000 iterations of HMAC-SHA512) unless configured.
        services.AddOptions<PasswordHasherOptions>().BindConfiguration("PasswordHashing");
        services.TryAddKeyedSingleton(PlatformNames.DomainClock, TimeProvider.System);
        // Operational time (audit checkpoints, pruning), apart from the domain clock Development may shift.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Passwords>();
        services.TryAddSingleton<OtpCodes>();
        services.TryAddSingleton<OtpIssuer>();
        services.TryAddSingleton<SecretSealer>();
        services.TryAddSingleton(new CommitTimings(TimeProvider.System));
        services.AddOptions<Chips.ChipOptions>().BindConfiguration(Chips.ChipOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton<Chips.PassiveAuthentication>();
        services.TryAddSingleton<AccountEventWriter>();
        // Without the silos' group commit (grain tests), accounts commit through their grain storage and the dispatcher
        // writes each account's events after the state.
        services.TryAddSingleton<Storage.IAccountCommits>(sp =>
            new Storage.StoredAccountCommits(sp.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(PlatformNames.AccountStorage)));
        services.AddOptions<Storage.GroupCommitOptions>().BindConfiguration(Storage.GroupCommitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IIncomingGrainCallFilter, UnavailableDependencyFilter>();
        return services;
    }

    /// <summary>The PostgreSQL registry, outbox and audit trail, on the host's platform data source.</summary>
    /// <summary>
    /// The grain storage serializer that keeps the type names states were stored under (<see cref="StoredTypeNames"/>).
    /// Registered in the silo's own configuration, after Orleans' default, so that it is the one storage resolves.
    /// </summary>
    public static IServiceCollection AddStoredTypeNames(this IServiceCollection services) =>
        services.AddSingleton<IGrainStorageSerializer>(StoredTypeNames.Serializer);

    public static IServiceCollection AddPostgresBackends(this IServiceCollection services)
    {
        services.TryAddSingleton<IPopulationRegistry, PostgresPopulationRegistry>();
        services.TryAddSingleton<IDocumentRegisters, PostgresDocumentRegisters>();
        services.TryAddSingleton<Orleans.VNeID.Grains.Organisations.IOrganisationRegister, Orleans.VNeID.Grains.Organisations.PostgresOrganisationRegister>();
        services.TryAddSingleton<PostgresOutbox>();
        services.TryAddSingleton<INotificationSender>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<ISentMessageReader>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<IDatabaseProbe>(sp => sp.GetRequiredService<PostgresOutbox>());
        services.TryAddSingleton<IAuditTrail, PostgresAuditTrail>();
        services.TryAddSingleton<Orleans.VNeID.Grains.Events.IEventCountStore, Orleans.VNeID.Grains.Events.PostgresEventCountStore>();
        services.TryAddSingleton<Orleans.VNeID.IdentityProvider.ISecurityEventStore, Orleans.VNeID.IdentityProvider.PostgresSecurityEventStore>();
        services.TryAddSingleton<Orleans.VNeID.Grains.Events.ICredentialStatusStore, Orleans.VNeID.Grains.Events.PostgresCredentialStatusStore>();
        return services;
    }
}
