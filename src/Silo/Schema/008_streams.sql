-- Persistent Orleans streams on the platform's PostgreSQL (Microsoft.Orleans.Streaming.AdoNet 10.4.2-alpha.1), written
-- from ../shared/orleans-adonet-streaming-contract.md: a work queue per stream queue (messages are deleted once
-- confirmed), dead letters apart, and a per-queue eviction schedule the lease query honours (the provider never runs
-- the two eviction keys itself). Every time is the database's; durations arrive as whole seconds.

create table if not exists orleans.stream_messages (
    service_id  text        not null,
    provider_id text        not null,
    queue_id    text        not null,
    message_id  bigint      not null,
    dequeued    integer     not null,
    visible_on  timestamptz not null,
    expires_on  timestamptz not null,
    created_on  timestamptz not null,
    modified_on timestamptz not null,
    payload     bytea       not null,
    primary key (service_id, provider_id, queue_id, message_id)
);

create sequence if not exists orleans.stream_message_ids;

create table if not exists orleans.stream_dead_letters (
    service_id  text        not null,
    provider_id text        not null,
    queue_id    text        not null,
    message_id  bigint      not null,
    dequeued    integer     not null,
    visible_on  timestamptz not null,
    expires_on  timestamptz not null,
    created_on  timestamptz not null,
    modified_on timestamptz not null,
    payload     bytea       not null,
    dead_on     timestamptz not null,
    remove_on   timestamptz not null,
    primary key (service_id, provider_id, queue_id, message_id)
);

create table if not exists orleans.stream_eviction (
    service_id  text        not null,
    provider_id text        not null,
    queue_id    text        not null,
    due_on      timestamptz not null,
    primary key (service_id, provider_id, queue_id)
);

insert into orleans.orleansquery (querykey, querytext) values

-- One new message, visible at once; exactly one row back.
('QueueStreamMessageKey', $q$
insert into orleans.stream_messages
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
values (@ServiceId, @ProviderId, @QueueId, nextval('orleans.stream_message_ids'), 0,
        now(), now() + @ExpiryTimeout * interval '1 second', now(), now(), @Payload)
returning service_id as ServiceId, provider_id as ProviderId, queue_id as QueueId, message_id as MessageId
$q$),

-- Eviction at most once per EvictionInterval per queue across the cluster (whoever moves the schedule evicts), then the
-- lease: the lowest deliverable messages, locked so two receivers never lease the same one. Only the last statement
-- returns rows.
('GetStreamMessagesKey', $q$
insert into orleans.stream_eviction (service_id, provider_id, queue_id, due_on)
values (@ServiceId, @ProviderId, @QueueId, now())
on conflict (service_id, provider_id, queue_id) do nothing;

with claimed as (
    update orleans.stream_eviction
       set due_on = now() + @EvictionInterval * interval '1 second'
     where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
       and due_on <= now() and @EvictionBatchSize > 0
    returning 1
), doomed as (
    select message_id from orleans.stream_messages
     where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
       and exists (select 1 from claimed)
       and ((dequeued >= @MaxAttempts and visible_on <= now()) or expires_on <= now())
     order by message_id
     limit @EvictionBatchSize
       for update skip locked
), moved as (
    delete from orleans.stream_messages m
     using doomed d
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId and m.message_id = d.message_id
    returning m.*
), buried as (
    insert into orleans.stream_dead_letters
        (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload, dead_on, remove_on)
    select service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload,
           now(), now() + @RemovalTimeout * interval '1 second'
      from moved
    on conflict do nothing
)
delete from orleans.stream_dead_letters
 where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
   and message_id in (select message_id from orleans.stream_dead_letters
                       where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
                         and exists (select 1 from claimed) and remove_on <= now()
                       order by message_id
                       limit @EvictionBatchSize);

with chosen as (
    select message_id from orleans.stream_messages
     where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
       and dequeued < @MaxAttempts and visible_on <= now() and expires_on > now()
     order by message_id
     limit @MaxCount
       for update skip locked
)
update orleans.stream_messages m
   set dequeued = m.dequeued + 1, visible_on = now() + @VisibilityTimeout * interval '1 second', modified_on = now()
  from chosen c
 where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId and m.message_id = c.message_id
returning m.service_id as ServiceId, m.provider_id as ProviderId, m.queue_id as QueueId, m.message_id as MessageId,
          m.dequeued as Dequeued, m.visible_on as VisibleOn, m.expires_on as ExpiresOn, m.created_on as CreatedOn,
          m.modified_on as ModifiedOn, m.payload as Payload
$q$),

-- Items: "MessageId:Receipt|...". Positive receipts confirm (delete), negative ones release (visible again at once);
-- only a message whose lease count still equals the receipt is touched. A receipt that does not start with a digit is a
-- negative one written with another culture's minus sign. Rows locked in MessageId order.
('ConfirmStreamMessagesKey', $q$
with items as (
    select split_part(item, ':', 1)::bigint as message_id,
           case when split_part(item, ':', 2) ~ '^[0-9]'
                then split_part(item, ':', 2)::integer
                else -(regexp_replace(split_part(item, ':', 2), '[^0-9]', '', 'g'))::integer end as receipt
      from unnest(string_to_array(@Items, '|')) as item
), locked as (
    select m.message_id, i.receipt
      from orleans.stream_messages m
      join items i on i.message_id = m.message_id and m.dequeued = abs(i.receipt)
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId
     order by m.message_id
       for update of m
), confirmed as (
    delete from orleans.stream_messages m
     using locked l
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId
       and m.message_id = l.message_id and l.receipt > 0
    returning m.service_id, m.provider_id, m.queue_id, m.message_id
), released as (
    update orleans.stream_messages m
       set visible_on = now(), modified_on = now()
      from locked l
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId
       and m.message_id = l.message_id and l.receipt < 0
    returning m.service_id, m.provider_id, m.queue_id, m.message_id
)
select service_id as ServiceId, provider_id as ProviderId, queue_id as QueueId, message_id as MessageId from confirmed
union all
select service_id as ServiceId, provider_id as ProviderId, queue_id as QueueId, message_id as MessageId from released
$q$),

-- A delivery finally failed: again at once while leases remain, else to the dead letters. Nothing is read back.
('FailStreamMessageKey', $q$
with target as (
    select message_id, dequeued from orleans.stream_messages
     where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId and message_id = @MessageId
       for update
), retried as (
    update orleans.stream_messages m
       set visible_on = now(), modified_on = now()
      from target t
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId
       and m.message_id = t.message_id and t.dequeued < @MaxAttempts
), moved as (
    delete from orleans.stream_messages m
     using target t
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId
       and m.message_id = t.message_id and t.dequeued >= @MaxAttempts
    returning m.*
)
insert into orleans.stream_dead_letters
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload, dead_on, remove_on)
select service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload,
       now(), now() + @RemovalTimeout * interval '1 second'
  from moved
on conflict do nothing
$q$),

-- Not executed by 10.4.2 (the lease query evicts); written against the parameters it would bind.
('EvictStreamMessagesKey', $q$
with doomed as (
    select message_id from orleans.stream_messages
     where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
       and ((dequeued >= @MaxAttempts and visible_on <= now()) or expires_on <= now())
     order by message_id
     limit @MaxCount
       for update skip locked
), moved as (
    delete from orleans.stream_messages m
     using doomed d
     where m.service_id = @ServiceId and m.provider_id = @ProviderId and m.queue_id = @QueueId and m.message_id = d.message_id
    returning m.*
)
insert into orleans.stream_dead_letters
    (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload, dead_on, remove_on)
select service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload,
       now(), now() + @RemovalTimeout * interval '1 second'
  from moved
on conflict do nothing
$q$),

('EvictStreamDeadLettersKey', $q$
delete from orleans.stream_dead_letters
 where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId
   and message_id in (select message_id from orleans.stream_dead_letters
                       where service_id = @ServiceId and provider_id = @ProviderId and queue_id = @QueueId and remove_on <= now()
                       order by message_id
                       limit @MaxCount)
$q$)

on conflict (querykey) do update set querytext = excluded.querytext;

-- Consumers of the account-events stream keep what they applied, per consumer, so a repeat (the stream delivers at least
-- once) is skipped in the same statement that would apply it.
create schema if not exists events;

create table if not exists events.applied (
    service_id text        not null,
    consumer   text        not null,
    event_id   text        not null,
    applied_at timestamptz not null default now(),
    primary key (service_id, consumer, event_id)
);
create index if not exists applied_age on events.applied (applied_at);

-- The operators' counters: account events by kind.
create table if not exists events.kind_counts (
    service_id text     not null,
    kind       smallint not null,
    count      bigint   not null,
    primary key (service_id, kind)
);
