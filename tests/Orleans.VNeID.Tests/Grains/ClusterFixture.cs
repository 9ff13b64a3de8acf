using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Hosting;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Security;

namespace Orleans.VNeID.Tests.Grains;

/// <summary>One in-process silo shared by the grain and gateway tests; every test uses citizens of its own.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private static int _serial;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
    public InMemoryPopulationRegistry Registry { get; } = new();
    public InMemoryDocumentRegisters Papers { get; } = new();
    public InMemoryOrganisationRegister Organisations { get; } = new();
    public RecordingSender Sender { get; } = new();
    public InMemoryAuditTrail Audit { get; } = new();

    /// <summary>What the account-events stream's counting consumer received.</summary>
    public Orleans.VNeID.Grains.Events.InMemoryEventCountStore StreamConsumer { get; } = new();

    /// <summary>What the stream's security-events consumer owes relying parties.</summary>
    public Orleans.VNeID.IdentityProvider.InMemorySecurityEventStore SecurityEvents { get; } = new();

    /// <summary>What the credential-status consumer applied (a lock suspends an account's credentials).</summary>
    public Orleans.VNeID.Grains.Events.InMemoryCredentialStatusStore CredentialStatuses { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The country signing CA the cluster trusts for NFC recovery, and the chips it signs.</summary>
    public Orleans.VNeID.Tests.Chips.TestChipAuthority Chips { get; } = new();
    public IClusterClient Client => Cluster.Client;

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Otp:HashKey"] = SecretTests.KeyA,
        ["Notifications:SealingKey"] = SecretTests.KeyB,
        ["Notifications:RedriveInterval"] = "00:00:02",
        ["Notifications:AllowReadBack"] = "true",
        // A low work factor keeps the tests quick; production uses the configured PBKDF2 iterations.
        ["PasswordHashing:IterationCount"] = "1000",
        ["Offices:0:Code"] = "CAP-HG", ["Offices:0:Number"] = "1012", ["Offices:0:Level"] = "Commune", ["Offices:0:Name"] = "Công an phường Hàng Gai",
        ["Offices:1:Code"] = "CAP-BN", ["Offices:1:Number"] = "7912", ["Offices:1:Level"] = "Commune", ["Offices:1:Name"] = "Công an phường Bến Nghé",
        // Each office's simulated capture device, with Development's key (the tests sign with its committed private key).
        ["CaptureDevices:SIM-CAP-HG:Office"] = "CAP-HG", ["CaptureDevices:SIM-CAP-HG:PublicKey"] = Orleans.VNeID.Grains.OfficeDesk.CaptureDevices.DevelopmentPublicKey,
        ["CaptureDevices:SIM-CAP-BN:Office"] = "CAP-BN", ["CaptureDevices:SIM-CAP-BN:PublicKey"] = Orleans.VNeID.Grains.OfficeDesk.CaptureDevices.DevelopmentPublicKey,
    };

    private static readonly Lazy<System.Security.Cryptography.ECDsa> DeviceKey = new(() =>
    {
        var key = System.Security.Cryptography.ECDsa.Create();
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orleans.VNeID.sln"))) root = Path.GetDirectoryName(root)!;
        key.ImportFromPem(File.ReadAllText(Path.Combine(root, "config", "dev-capture-devices", "simulated-device.key")));
        return key;
    });

    /// <summary>
    /// The fields a desk request carries for a capture, signed now (domain time) by the office's simulated device:
    /// <c>deviceId</c>, <c>capturedAt</c>, <c>deviceSignature</c>.
    /// </summary>
    public (string DeviceId, DateTimeOffset CapturedAt, string DeviceSignature) SignCapture(string office, string idNumber, string portrait, string fingerprint)
    {
        var signed = Orleans.VNeID.Grains.OfficeDesk.CaptureSigning.Sign(DeviceKey.Value, office, "SIM-" + office, idNumber, Clock.GetUtcNow(),
            Convert.FromBase64String(portrait), Convert.FromBase64String(fingerprint));
        return (signed.DeviceId, signed.CapturedAt, Convert.ToBase64String(signed.Signature));
    }

    public async Task InitializeAsync()
    {
        Registry.ChipReader = (citizen, challenge) => Chips.Issuer.Answer(Chips.Issuer.Issue(citizen), challenge);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(Settings);
            host.Services.AddKeyedSingleton<TimeProvider>(PlatformNames.DomainClock, Clock);
            host.Services.AddSingleton<IPopulationRegistry>(Registry);
            host.Services.AddSingleton<IDocumentRegisters>(Papers);
            host.Services.AddSingleton<Orleans.VNeID.Grains.Organisations.IOrganisationRegister>(Organisations);
            host.Services.Configure<Orleans.VNeID.Grains.Chips.ChipOptions>(o => o.CountrySigningCertificates = [Chips.CertificatePath]);
            host.Services.AddSingleton<INotificationSender>(Sender);
            host.Services.AddSingleton<ISentMessageReader>(Sender);
            host.Services.AddSingleton<IDatabaseProbe>(Sender);
            host.Services.AddSingleton<Orleans.VNeID.Grains.Audit.IAuditTrail>(Audit);
            host.Services.AddSingleton<Orleans.VNeID.Grains.Events.IEventCountStore>(StreamConsumer);
            host.Services.AddSingleton<Orleans.VNeID.IdentityProvider.ISecurityEventStore>(SecurityEvents);
            host.Services.AddSingleton<Orleans.VNeID.Grains.Events.ICredentialStatusStore>(CredentialStatuses);
            host.Services.AddAccountServices();
            host.Services.AddStoredTypeNames();
            host.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(PlatformNames.AccountStorage);
            silo.UseInMemoryReminderService();
            // The account-events stream on the memory provider here (the platform's is persistent, on PostgreSQL): the
            // dispatcher publishes to it and the stream's consumers run as they do in the platform.
            silo.AddMemoryStreams(Orleans.VNeID.Events.AccountEventStream.Provider,
                streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
        });
        // As the gateway's client: answers the account grain paced wait on the caller's side.
        builder.ConfigureClient(client => client.AddOutgoingGrainCallFilter<Orleans.VNeID.Gateway.Cluster.PaceAnonymousAnswers>());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Gateway.GatewayFactory> _gateways = new();

    /// <summary>
    /// The gateway host for these settings, started once and shared by every test of the collection (each test uses
    /// citizens of its own), instead of one host per test.
    /// </summary>
    public Gateway.GatewayFactory GatewayHost(int perAccountPerMinute = 100_000) =>
        _gateways.GetOrAdd(perAccountPerMinute, limit => new Gateway.GatewayFactory(this, limit));

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways.Values) await gateway.DisposeAsync();
        await Cluster.DisposeAsync();
        Chips.Dispose();
    }

    /// <summary>A new citizen in the registry, with a unique ID number and phone.</summary>
    public CitizenRecord NewCitizen(int age = 30, Gender gender = Gender.Male, string fullName = "Phạm Thị Hồng Nhung",
        bool chipCard = true, string? fatherId = null, bool hasPhone = true)
    {
        var serial = Interlocked.Increment(ref _serial);
        var born = VietnamTime.Today(Clock).AddYears(-age).AddDays(-10);
        var id = PersonalIdNumber.Create("048", born.Year, gender, 500_000 + serial).Value;
        var citizen = new CitizenRecord(id, fullName, born, gender, "048", chipCard ? id : null, chipCard ? new DateOnly(2022, 1, 1) : null,
            hasPhone ? $"09{serial:D8}" : null, fatherId, null);
        Registry.Add(citizen);
        return citizen;
    }

    /// <summary>
    /// A new foreigner in the immigration stand-in: a passport of <paramref name="country"/> (valid unless
    /// <paramref name="expiredPassport"/>), a Latin name, a Vietnamese phone.
    /// </summary>
    public CitizenRecord NewForeigner(string country = "FRA", string fullName = "Marie Claire Dubois", Gender gender = Gender.Female,
        bool expiredPassport = false)
    {
        var serial = Interlocked.Increment(ref _serial);
        var born = VietnamTime.Today(Clock).AddYears(-35).AddDays(-10);
        var number = $"P{serial:D8}";
        var today = VietnamTime.Today(Clock);
        var issued = expiredPassport ? today.AddYears(-11) : today.AddYears(-2);
        var foreigner = new CitizenRecord($"{country}-{number}", fullName, born, gender, "", number, issued, $"07{serial:D8}", null, null,
            issued.AddYears(10).AddDays(-1), null, country);
        Registry.Add(foreigner);
        return foreigner;
    }

    /// <summary>Moves domain time forward to the next moment offices receive dossiers (default hours, no holidays configured here).</summary>
    public void AdvanceToOfficeHours()
    {
        var calendar = new Orleans.VNeID.Grains.Offices.WorkingCalendar(new Orleans.VNeID.Grains.Offices.CalendarOptions());
        while (!calendar.IsOpen(Clock.GetUtcNow()) || !calendar.IsOpen(Clock.GetUtcNow().AddMinutes(30)))
            Clock.Advance(TimeSpan.FromMinutes(15));
    }

    public ICitizenAccountGrain Account(CitizenRecord citizen) => Client.GetGrain<ICitizenAccountGrain>(citizen.IdNumber);

    /// <summary>A new citizen who declared, received the activation code on the phone on record and activated with <paramref name="password"/>.</summary>
    public Task<CitizenRecord> ActiveCitizenAsync(string password) => ActivateAsync(NewCitizen(), password);

    /// <summary><paramref name="citizen"/> (a citizen or a foreigner in the registries) declared, and activated with the code sent and <paramref name="password"/>.</summary>
    public async Task<CitizenRecord> ActivateAsync(CitizenRecord citizen, string password)
    {
        Assert.True((await Account(citizen).DeclareAsync(DeclarationOf(citizen))).Succeeded);
        var code = RecordingSender.CodeIn((await Sender.WaitForAsync(citizen.Phone!, 1))[0]);
        Assert.True((await Account(citizen).ActivateAsync(code, password)).Succeeded);
        await Sender.WaitForAsync(citizen.Phone!, 2);
        return citizen;
    }

    public static DeclareAccount DeclarationOf(CitizenRecord c) => new(c.FullName, c.DateOfBirth, c.Gender, c.Phone);

    /// <summary>The account state as storage holds it.</summary>
    public async Task<AccountState> StoredStateAsync(CitizenRecord citizen)
    {
        var storage = Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PlatformNames.AccountStorage);
        var state = new GrainState<AccountState>(new AccountState());
        await storage.ReadStateAsync("account", ((GrainReference)Account(citizen)).GrainId, state);
        return state.State!;
    }
}

public static class AccountGrainTestCalls
{
    /// <summary>A login without a step-up code.</summary>
    public static Task<Orleans.VNeID.Errors.Result<LoginGrant>> LogInAsync(this ICitizenAccountGrain account, string password) =>
        account.LogInAsync(password, null);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
