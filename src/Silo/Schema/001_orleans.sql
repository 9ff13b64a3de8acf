-- Orleans ADO.NET providers (clustering, grain storage, reminders) on PostgreSQL.
-- Written for this project from shared/orleans-adonet-contract.md; every statement is idempotent.
-- Names are unquoted (Orleans reads its query catalog unquoted); the catalog lives in schema "orleans",
-- which the silo puts on the connection's search path.

create schema if not exists orleans;

create table if not exists orleans.orleansquery (
    querykey  text primary key,
    querytext text not null
);

-- Clustering: one version row per deployment, one member row per silo incarnation.
create table if not exists orleans.membership_version (
    deployment_id text primary key,
    version       integer not null default 0 check (version >= 0),
    changed_at    timestamptz not null default now()
);

create table if not exists orleans.membership (
    deployment_id   text not null references orleans.membership_version (deployment_id) on delete cascade,
    address         text not null,
    port            integer not null,
    generation      integer not null,
    silo_name       text not null,
    host_name       text not null,
    status          integer not null,
    proxy_port      integer not null,
    suspect_times   text null,
    start_time      timestamptz not null,
    i_am_alive_time timestamptz not null,
    primary key (deployment_id, address, port, generation)
);

-- Grain storage. The key extension is stored as '' when absent so that identity lookups use the unique index
-- (Orleans never produces an empty extension: a key with '+' and nothing after it is not a valid grain key).
create table if not exists orleans.storage (
    service_id                text not null,
    grain_type_string         text not null,
    grain_id_n0               bigint not null,
    grain_id_n1               bigint not null,
    grain_id_extension_string text not null default '',
    grain_id_hash             integer not null,
    grain_type_hash           integer not null,
    payload_binary            bytea null,
    version                   integer not null check (version >= 0),
    modified_on               timestamptz not null default now()
);
create unique index if not exists storage_identity
    on orleans.storage (grain_id_n1, grain_id_n0, grain_type_string, grain_id_extension_string, service_id);

-- Reminders.
create table if not exists orleans.reminders (
    service_id    text not null,
    grain_id      text not null,
    reminder_name text not null,
    start_time    timestamptz not null,
    period        bigint not null,
    grain_hash    integer not null,
    version       integer not null,
    primary key (service_id, grain_id, reminder_name)
);
create index if not exists reminders_ring on orleans.reminders (service_id, grain_hash);

-- The query catalog. Parameters arrive as @Name (see contract §1.3-1.4); conflicts answer false or no row.
insert into orleans.orleansquery (querykey, querytext) values

('InsertMembershipVersionKey', $q$
with created as (
    insert into orleans.membership_version (deployment_id, version) values (@DeploymentId, 0)
    on conflict (deployment_id) do nothing
    returning 1
)
select exists (select 1 from created)
$q$),

('MembershipReadAllKey', $q$
select v.version as Version,
       m.address as Address, m.port as Port, m.generation as Generation,
       m.silo_name as SiloName, m.host_name as HostName, m.status as Status, m.proxy_port as ProxyPort,
       m.suspect_times as SuspectTimes, m.start_time as StartTime, m.i_am_alive_time as IAmAliveTime
from orleans.membership_version v
left join orleans.membership m on m.deployment_id = v.deployment_id
where v.deployment_id = @DeploymentId
$q$),

('MembershipReadRowKey', $q$
select v.version as Version,
       m.address as Address, m.port as Port, m.generation as Generation,
       m.silo_name as SiloName, m.host_name as HostName, m.status as Status, m.proxy_port as ProxyPort,
       m.suspect_times as SuspectTimes, m.start_time as StartTime, m.i_am_alive_time as IAmAliveTime
from orleans.membership_version v
left join orleans.membership m
       on m.deployment_id = v.deployment_id
      and m.address = @Address and m.port = @Port and m.generation = @Generation
where v.deployment_id = @DeploymentId
$q$),

-- Compare-and-increment: the version row is locked by the update, so a concurrent writer re-checks and fails.
('InsertMembershipKey', $q$
with bumped as (
    update orleans.membership_version
       set version = version + 1, changed_at = now()
     where deployment_id = @DeploymentId and version = @Version and version < 2147483647
       and not exists (select 1 from orleans.membership
                        where deployment_id = @DeploymentId and address = @Address
                          and port = @Port and generation = @Generation)
    returning deployment_id
), inserted as (
    insert into orleans.membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, suspect_times, start_time, i_am_alive_time)
    select deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, null, @StartTime, @IAmAliveTime
      from bumped
    returning 1
)
select exists (select 1 from inserted)
$q$),

('UpdateMembershipKey', $q$
with bumped as (
    update orleans.membership_version
       set version = version + 1, changed_at = now()
     where deployment_id = @DeploymentId and version = @Version and version < 2147483647
       and exists (select 1 from orleans.membership
                    where deployment_id = @DeploymentId and address = @Address
                      and port = @Port and generation = @Generation)
    returning deployment_id
), updated as (
    update orleans.membership m
       set status = @Status,
           suspect_times = @SuspectTimes,
           i_am_alive_time = greatest(m.i_am_alive_time, @IAmAliveTime)
      from bumped
     where m.deployment_id = bumped.deployment_id and m.address = @Address
       and m.port = @Port and m.generation = @Generation
    returning 1
)
select exists (select 1 from updated)
$q$),

('UpdateIAmAlivetimeKey', $q$
update orleans.membership
   set i_am_alive_time = greatest(i_am_alive_time, @IAmAliveTime)
 where deployment_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
$q$),

('GatewaysQueryKey', $q$
select address as Address, proxy_port as ProxyPort, generation as Generation
  from orleans.membership
 where deployment_id = @DeploymentId and status = @Status and proxy_port > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
delete from orleans.membership where deployment_id = @DeploymentId;
delete from orleans.membership_version where deployment_id = @DeploymentId
$q$),

('CleanupDefunctSiloEntriesKey', $q$
delete from orleans.membership
 where deployment_id = @DeploymentId and status = 6
   and start_time < @IAmAliveTime and i_am_alive_time < @IAmAliveTime
$q$),

('CleanupDefunctSiloEntryKey', $q$
delete from orleans.membership
 where deployment_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
   and status = 6 and start_time = @StartTime and i_am_alive_time = @IAmAliveTime
   and suspect_times is not distinct from @SuspectTimes
$q$),

('ReadFromStorageKey', $q$
select payload_binary as PayloadBinary, version as Version
  from orleans.storage
 where grain_id_n1 = @GrainIdN1 and grain_id_n0 = @GrainIdN0 and grain_type_string = @GrainTypeString
   and grain_id_extension_string = coalesce(@GrainIdExtensionString, '') and service_id = @ServiceId
$q$),

-- First write inserts version 1; later writes need the stored version. A clash answers no row (a conflict).
('WriteToStorageKey', $q$
with inserted as (
    insert into orleans.storage (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string,
                                 grain_id_hash, grain_type_hash, payload_binary, version)
    select @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
     where @GrainStateVersion is null
    on conflict do nothing
    returning version
), updated as (
    update orleans.storage
       set payload_binary = @PayloadBinary, version = version + 1, modified_on = now()
     where @GrainStateVersion is not null
       and grain_id_n1 = @GrainIdN1 and grain_id_n0 = @GrainIdN0 and grain_type_string = @GrainTypeString
       and grain_id_extension_string = coalesce(@GrainIdExtensionString, '') and service_id = @ServiceId
       and version = @GrainStateVersion and version < 2147483647
    returning version
)
select version as NewGrainStateVersion from inserted
union all
select version from updated
$q$),

('ClearStorageKey', $q$
update orleans.storage
   set payload_binary = null, version = version + 1, modified_on = now()
 where grain_id_n1 = @GrainIdN1 and grain_id_n0 = @GrainIdN0 and grain_type_string = @GrainTypeString
   and grain_id_extension_string = coalesce(@GrainIdExtensionString, '') and service_id = @ServiceId
   and version = @GrainStateVersion and version < 2147483647
returning version
$q$),

('DeleteStorageKey', $q$
delete from orleans.storage
 where grain_id_n1 = @GrainIdN1 and grain_id_n0 = @GrainIdN0 and grain_type_string = @GrainTypeString
   and grain_id_extension_string = coalesce(@GrainIdExtensionString, '') and service_id = @ServiceId
   and version = @GrainStateVersion
returning version::bigint + 1
$q$),

('ReadReminderRowsKey', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime, period as Period, version as Version
  from orleans.reminders
 where service_id = @ServiceId and grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime, period as Period, version as Version
  from orleans.reminders
 where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
$q$),

('ReadRangeRows1Key', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime, period as Period, version as Version
  from orleans.reminders
 where service_id = @ServiceId and grain_hash > @BeginHash and grain_hash <= @EndHash
$q$),

('ReadRangeRows2Key', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime, period as Period, version as Version
  from orleans.reminders
 where service_id = @ServiceId and (grain_hash > @BeginHash or grain_hash <= @EndHash)
$q$),

('UpsertReminderRowKey', $q$
insert into orleans.reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
values (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
on conflict (service_id, grain_id, reminder_name) do update
   set start_time = excluded.start_time, period = excluded.period, grain_hash = excluded.grain_hash,
       version = case when orleans.reminders.version = 2147483647 then 0 else orleans.reminders.version + 1 end
returning version as Version
$q$),

('DeleteReminderRowKey', $q$
with deleted as (
    delete from orleans.reminders
     where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName and version = @Version
    returning 1
)
select exists (select 1 from deleted)
$q$),

('DeleteReminderRowsKey', $q$
delete from orleans.reminders where service_id = @ServiceId
$q$)

on conflict (querykey) do update set querytext = excluded.querytext;
