using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.VNeID.Grains.Hosting;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Grains.CitizenAccounts;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.VNeID.Events;
using Orleans.VNeID.Grains.Events;
using Orleans.VNeID.Platform;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo;

public static class SiloHosting
{
    public const string Invariant = "Npgsql";

    /// <summary>The ADO.NET provider of shard <paramref name="shard"/> behind <see cref="PlatformNames.AccountStorage"/>, which wraps it.</summary>
    private static string AdoNetAccountStorage(int shard) => PlatformNames.AccountStorage + "-adonet" + (shard == 0 ? "" : "-" + shard);

    /// <summary>A silo on its own: the grains, and HTTP only on its management port (health, metrics).</summary>
    public static IHost Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
        builder.AddServiceDefaults(args);
        Configure(builder, managementListener: true);
        var app = builder.Build();
        app.MapPlatformHealthChecks();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// Adds the silo to <paramref name="builder"/> (its services, Orleans, storage, streams, start-up tasks). With
    /// <paramref name="managementListener"/> the silo's own management port is its only HTTP listener; without it the host
    /// serves HTTP itself (the gateway co-hosted in the silo, <c>vneid-node</c>) and the silo's health check joins the host's.
    /// <paramref name="silo"/> adds to the Orleans configuration (the co-hosted gateway's outgoing call filters).
    /// </summary>
    public static void Configure(WebApplicationBuilder builder, bool managementListener, Action<ISiloBuilder>? silo = null)
    {
        var configuration = builder.Configuration;
        ProductionSecrets.Require(configuration, builder.Environment, ["Otp:HashKey", "Notifications:SealingKey", "Audit:CheckpointKey"],
            [PlatformNames.ConnectionStringName]);
        ProductionSecrets.RequireCountrySigningCas(configuration, builder.Environment, ConfigDirectory.Locate());
        ProductionSecrets.RequireCaptureDevices(configuration, builder.Environment);
        builder.Services.PostConfigure<Orleans.VNeID.Grains.Chips.ChipOptions>(o => o.BaseDirectory = ConfigDirectory.Locate());
        var orleansConnection = PlatformDatabase.OrleansConnectionString(configuration);
        var endpoints = configuration.Read<SiloOptions>();

        // The management port: health for probes and Prometheus text of the silo's meters (Orleans, Npgsql, runtime, the
        // platform's own). Nothing else listens on HTTP in a silo.
        if (managementListener)
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Parse(endpoints.ManagementAddress ?? endpoints.AdvertisedAddress), endpoints.ManagementPort));
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        }
        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: [PlatformHealth.ReadyTag]);
        builder.Services.AddHostedService<BacklogGauges>();
        // Group commit (issue 15): grain states written many to a transaction. On one database an account's commit (the
        // account-commit port, issue 32) carries its events into that transaction: audit entries, messages, logouts owed and
        // the stream's message. With the states spread over shards apart from the audit trail and the outbox
        // (Shards:ConnectionStrings) each shard has writers of its own and an account's events travel in its state and are
        // delivered after the commit.
        var groupCommit = configuration.Read<GroupCommitOptions>();
        var streamSettings = configuration.Read<StreamSettings>();
        var streamsEnabled = streamSettings.Enabled;
        var streamQueues = streamSettings.Queues;
        var streamExpiry = streamSettings.ExpiryTimeout;
        var shards = PlatformDatabase.ShardConnectionStrings(configuration);
        for (var i = 0; i < shards.Count; i++)
            builder.Services.AddHealthChecks().AddNpgSql(shards[i], name: $"shard-{i}", tags: [PlatformHealth.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        if (groupCommit.Enabled)
        {
            static GroupCommitWriter Writer(IServiceProvider sp, Npgsql.NpgsqlDataSource database, bool owned, IAccountEventQueue? stream = null) => new(database,
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GroupCommitOptions>>(), sp.GetRequiredService<ILogger<GroupCommitWriter>>(), owned, stream);
            if (shards.Count == 0)
                builder.Services.AddKeyedSingleton(0, (sp, _) => Writer(sp, sp.GetRequiredService<AccountEventWriter>().DataSource
                    ?? throw new InvalidOperationException("Group commit needs the audit trail and the outbox in the platform's PostgreSQL."), owned: false,
                    streamsEnabled ? StreamRows(sp) : null));
            for (var i = 0; i < shards.Count; i++)
            {
                var shard = shards[i];
                builder.Services.AddKeyedSingleton(i, (sp, _) => Writer(sp, Npgsql.NpgsqlDataSource.Create(shard), owned: true));
            }
        }

        StreamQueueRows StreamRows(IServiceProvider sp)
        {
            var rows = new StreamQueueRows(sp, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId,
                streamQueues, streamExpiry);
            StreamQueueRowsCheck.Verify(rows);
            return rows;
        }
        builder.Services.AddAccountServices();
        if (builder.Environment.IsDevelopment() && configuration.Read<DomainClockSettings>().StartAt is { } startAt)
        {
            // Development only (docs/walkthrough.md, "Level 2 at the desk"): shifted domain time for office hours and deadlines.
            builder.Services.AddKeyedSingleton<TimeProvider>(PlatformNames.DomainClock, new ShiftedTimeProvider(startAt));
        }
        builder.Services.AddPostgresBackends();

        var extra = silo;
        builder.UseOrleans(silo =>
        {
            extra?.Invoke(silo);
            // Stored states keep the type names they were written under (StoredTypeNames); after Orleans' own serializer.
            silo.Services.AddStoredTypeNames();
            silo.Configure<ClusterOptions>(configuration.GetSection("Cluster"));
            // Failure-detection timings (ProbeTimeout, NumMissedProbesLimit, ...); Orleans' defaults unless configured.
            silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Membership"));
            // An account idle this long is deactivated (its memory returned); the next request reactivates it from storage.
            silo.Configure<GrainCollectionOptions>(o => o.ClassSpecificCollectionAge[typeof(CitizenAccountGrain).FullName!] =
                configuration.Read<AccountMemorySettings>().IdleDeactivationAfter);
            // The deadline of silo-to-silo calls (config/appsettings.json, Messaging:ResponseTimeout).
            silo.Configure<SiloMessagingOptions>(configuration.GetSection("Messaging"));
            silo.ConfigureEndpoints(IPAddress.Parse(endpoints.AdvertisedAddress), endpoints.SiloPort, endpoints.GatewayPort);
            // In a Kubernetes pod (deploy/kubernetes): the silo is named after its pod, advertises the pod's IP, takes the
            // service and cluster ids from the pod's labels, and a silo whose pod is gone is declared dead at once.
            if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 }) silo.UseKubernetesHosting();
            if (Telemetry.TracesExported(configuration)) silo.AddActivityPropagation();
            // The Orleans dashboard's grains (the gateway serves its pages to operators at /dashboard).
            if (configuration.Read<DashboardSettings>().Enabled) silo.AddDashboard();
            silo.UseAdoNetClustering(o => { o.Invariant = Invariant; o.ConnectionString = orleansConnection; });
            var stateDatabases = shards.Count > 0 ? shards : [orleansConnection];
            for (var i = 0; i < stateDatabases.Count; i++)
            {
                var database = stateDatabases[i];
                silo.AddAdoNetGrainStorage(AdoNetAccountStorage(i), o => { o.Invariant = Invariant; o.ConnectionString = database; });
            }
            silo.Services.AddKeyedSingleton<IGrainStorage>(PlatformNames.AccountStorage, (sp, _) =>
            {
                var serviceId = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId;
                var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AdoNetGrainStorageOptions>>();
                // The serializer each shard's storage writes with keeps the stored type names, or the silo does not start.
                for (var i = 0; i < stateDatabases.Count; i++)
                    StoredTypeNames.Verify(options.Get(AdoNetAccountStorage(i)).GrainStorageSerializer ?? sp.GetRequiredService<IGrainStorageSerializer>(),
                        new Orleans.VNeID.Grains.Accounts.AccountState());
                var stores = Enumerable.Range(0, stateDatabases.Count).Select(i =>
                {
                    var adoNet = sp.GetRequiredKeyedService<IGrainStorage>(AdoNetAccountStorage(i));
                    if (!groupCommit.Enabled) return adoNet;
                    var own = options.Get(AdoNetAccountStorage(i));
                    return new GroupCommitStorage(adoNet, sp.GetRequiredKeyedService<GroupCommitWriter>(i),
                        own.GrainStorageSerializer ?? sp.GetRequiredService<IGrainStorageSerializer>(), own.HashPicker, serviceId, AdoNetAccountStorage(i));
                }).ToArray();
                return new UnavailableAwareStorage(stores.Length == 1
                    ? stores[0]
                    : new ShardedGrainStorage(stores, options.Get(AdoNetAccountStorage(0)).HashPicker, serviceId, AdoNetAccountStorage(0)));
            });
            silo.Services.AddSingleton<IAccountCommits>(sp =>
            {
                var states = sp.GetRequiredKeyedService<IGrainStorage>(PlatformNames.AccountStorage);
                if (!groupCommit.Enabled || shards.Count > 0) return new StoredAccountCommits(states);
                var own = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(AdoNetAccountStorage(0));
                return new GroupAccountCommits(states, sp.GetRequiredKeyedService<GroupCommitWriter>(0),
                    own.GrainStorageSerializer ?? sp.GetRequiredService<IGrainStorageSerializer>(), own.HashPicker,
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId, AdoNetAccountStorage(0),
                    sp.GetRequiredService<AccountEventWriter>(), sp.GetRequiredService<Orleans.VNeID.Grains.Security.SecretSealer>(),
                    sp.GetRequiredService<AccountEventWriter>().DataSource, groupCommit.GatherAccountLoads ? groupCommit.MaxBatch : 0);
            });
            silo.UseAdoNetReminderService(o => { o.Invariant = Invariant; o.ConnectionString = orleansConnection; });
            // The account-events stream (issue 12): persistent, on the platform's PostgreSQL (008_streams.sql). Implicit
            // subscriptions only: its consumers are grains named by the stream, so no subscription state is kept.
            if (streamSettings.Enabled)
                silo.AddAdoNetStreams(AccountEventStream.Provider, streams =>
                {
                    // At least once: a message leased by a silo that dies comes back after the visibility timeout; one that
                    // keeps failing is retried MaxAttempts times and one not delivered within the expiry goes to
                    // orleans.stream_dead_letters. Both are set well above the provider's defaults (5 attempts, 10 minutes),
                    // so a consumer that is down for hours loses nothing.
                    streams.ConfigureAdoNet(o => o.Configure(options =>
                    {
                        options.Invariant = Invariant;
                        options.ConnectionString = orleansConnection;
                        options.VisibilityTimeout = streamSettings.VisibilityTimeout;
                        options.MaxAttempts = streamSettings.MaxAttempts;
                        options.ExpiryTimeout = streamSettings.ExpiryTimeout;
                    }));
                    streams.ConfigurePartitioning(streamSettings.Queues);
                    // Consumers take up to DeliveryBatch messages per call (one statement each batch), and an idle queue is
                    // polled every IdlePoll.
                    streams.ConfigurePullingAgent(o => o.Configure(agent =>
                    {
                        agent.BatchContainerBatchSize = streamSettings.DeliveryBatch;
                        agent.GetQueueMsgsTimerPeriod = streamSettings.IdlePoll;
                    }));
                    streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
                });
            // The working-day calendar runs out at its last configured year: say so while there is time to add the next.
            silo.AddStartupTask((services, _) =>
            {
                var calendar = services.GetRequiredService<Orleans.VNeID.Grains.Offices.WorkingCalendar>();
                var clock = services.GetRequiredKeyedService<TimeProvider>(PlatformNames.DomainClock);
                var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.Add(Orleans.VNeID.Identity.VietnamTime.Offset));
                if (calendar.DaysLeft(today) < 60)
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.VNeID.Calendar").LogWarning(
                        "config/calendar.json holds holidays only up to {LastYear} ({Days} days left): add {NextYear}'s holidays and make-up days; " +
                        "offices stop receiving dossiers {Horizon} days before that year ends",
                        calendar.LastYear, calendar.DaysLeft(today), calendar.LastYear + 1, Orleans.VNeID.Grains.Offices.WorkingCalendar.DeadlineHorizonDays);
                return Task.CompletedTask;
            });
            // Signed audit checkpoints on a reminder: whichever silo holds the grain takes them.
            silo.AddStartupTask(async (services, _) =>
            {
                try
                {
                    await services.GetRequiredService<IGrainFactory>().GetGrain<IAuditCheckpointGrain>(0).StartAsync();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.VNeID.Audit")
                        .LogWarning(ex, "The audit checkpoint reminder could not be registered now; the next silo start tries again");
                }
            });
        });
    }
}
