-- The audit trail: an append-only, per-account hash chain of security-relevant events (see AuditChain).
create schema if not exists audit;

create table if not exists audit.entries (
    service_id  text not null,
    account_id  text not null,
    seq         bigint not null,
    kind        smallint not null,
    from_status smallint not null,
    to_status   smallint not null,
    occurred_at timestamptz not null,
    actor_role  smallint not null,
    actor_id    text not null,
    reason      text null,
    prev_hash   bytea not null,
    hash        bytea not null,
    recorded_at timestamptz not null default now(),
    primary key (service_id, account_id, seq)
);

-- The newest entry of each chain, so that a removed tail is detected too.
create table if not exists audit.heads (
    service_id text not null,
    account_id text not null,
    seq        bigint not null,
    hash       bytea not null,
    primary key (service_id, account_id)
);

create or replace function audit.refuse_change() returns trigger language plpgsql as $f$
begin
    raise exception 'audit entries are append-only';
end
$f$;

drop trigger if exists entries_append_only on audit.entries;
create trigger entries_append_only before update or delete on audit.entries
    for each row execute function audit.refuse_change();
drop trigger if exists entries_no_truncate on audit.entries;
create trigger entries_no_truncate before truncate on audit.entries
    for each statement execute function audit.refuse_change();
