-- Security event tokens (RFC 8417) pushed to relying parties (RFC 8935), issue 12.

-- relying_party_accounts: which relying parties have seen which accounts, and the subject each was given. Written by the
-- gateway at consent for relying parties registered with a security-events endpoint; read by the stream's
-- security-events consumer to decide who is told about an account's event.
create table if not exists oidc.relying_party_accounts (
    account_id text not null,
    client_id text not null,
    subject text not null,
    first_seen_at timestamptz not null default now(),
    primary key (account_id, client_id)
);

-- security_event_deliveries: one security event owed to one relying party, added by the stream consumer (a repeat of the
-- stream message adds nothing: unique on event, client and event type). The gateway posts each relying party's
-- deliveries in delivery_id order, one relying party at a time, and does not pass a delivery that failed: the rest wait
-- behind it with its back-off (next_attempt_at of the oldest pending row). A delivery the relying party refused (an
-- RFC 8935 error answer) or that stayed undelivered too long is dead-lettered (dead_at) for operators to read and redrive.
create table if not exists oidc.security_event_deliveries (
    delivery_id bigint generated always as identity primary key,
    event_id text not null,
    client_id text not null,
    account_id text not null,
    subject text not null,
    event_type text not null,
    occurred_at timestamptz not null,
    initiating_entity text not null,
    detail jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at timestamptz,
    dead_at timestamptz,
    last_error text,
    unique (event_id, client_id, event_type)
);

create index if not exists security_event_deliveries_pending
    on oidc.security_event_deliveries (client_id, delivery_id) where delivered_at is null and dead_at is null;
create index if not exists security_event_deliveries_dead
    on oidc.security_event_deliveries (dead_at) where dead_at is not null;

-- security_event_receivers: each relying party's delivery state. A gateway leases a relying party (leased_until) to send
-- its deliveries in order, and backs it off after a failure (failures, next_attempt_at); the lease lapses by itself if
-- the gateway dies.
create table if not exists oidc.security_event_receivers (
    client_id text primary key,
    leased_until timestamptz not null default now(),
    next_attempt_at timestamptz not null default now(),
    failures integer not null default 0,
    last_error text
);
