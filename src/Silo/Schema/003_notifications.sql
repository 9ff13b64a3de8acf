-- The message outbox: what an SMS gateway or mail relay drains. Bodies are sealed (AES-GCM): they carry codes.
create schema if not exists notifications;

create table if not exists notifications.outbox (
    message_id   text primary key,
    account_id   text not null,
    kind         smallint not null,
    channel      smallint not null,
    recipient    text not null,
    body_sealed  bytea not null,
    created_at   timestamptz not null,
    delivered_at timestamptz null
);
create index if not exists outbox_recipient on notifications.outbox (recipient, created_at desc);
create index if not exists outbox_undelivered on notifications.outbox (created_at) where delivered_at is null;
