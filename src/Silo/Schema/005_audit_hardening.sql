-- Audit that resists its own database user (issue: identity assurance, item 7).
-- The application role gets insert and select on the audit tables, never update, delete, truncate or ownership
-- (the migrator's grants); a separate owner role applies the migrations.

-- A global order of entries, for signed checkpoints over everything appended so far.
alter table audit.entries add column if not exists entry_id bigint generated always as identity;
create unique index if not exists entries_entry_id on audit.entries (entry_id);

-- A chain head only moves forward.
create or replace function audit.refuse_head_rewind() returns trigger language plpgsql as $f$
begin
    if new.seq < old.seq or (new.seq = old.seq and new.hash <> old.hash) or new.account_id <> old.account_id
       or new.service_id <> old.service_id then
        raise exception 'audit heads only move forward';
    end if;
    return new;
end
$f$;
drop trigger if exists heads_forward_only on audit.heads;
create trigger heads_forward_only before update on audit.heads
    for each row execute function audit.refuse_head_rewind();
drop trigger if exists heads_no_delete on audit.heads;
create trigger heads_no_delete before delete on audit.heads
    for each row execute function audit.refuse_change();

-- Signed checkpoints: a digest over every entry of a service up to an entry id, chained to the previous checkpoint and
-- signed with a key the database does not hold (Audit:CheckpointKey). Rewriting or removing any entry before a
-- checkpoint, even with the chain hashes recomputed, no longer matches the signed digest.
create table if not exists audit.checkpoints (
    service_id    text not null,
    checkpoint_id bigint not null,
    upto_entry_id bigint not null,
    entry_count   bigint not null,
    digest        bytea not null,
    signature     bytea not null,
    taken_at      timestamptz not null,
    primary key (service_id, checkpoint_id)
);
drop trigger if exists checkpoints_append_only on audit.checkpoints;
create trigger checkpoints_append_only before update or delete on audit.checkpoints
    for each row execute function audit.refuse_change();
drop trigger if exists checkpoints_no_truncate on audit.checkpoints;
create trigger checkpoints_no_truncate before truncate on audit.checkpoints
    for each statement execute function audit.refuse_change();
drop trigger if exists heads_no_truncate on audit.heads;
create trigger heads_no_truncate before truncate on audit.heads
    for each statement execute function audit.refuse_change();
