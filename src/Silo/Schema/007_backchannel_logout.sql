-- Back-channel logout (OpenID Connect Back-Channel Logout 1.0), delivered durably.
--
-- relying_party_sessions: which relying parties hold tokens for which of an account's sessions, written by the gateway
-- when the citizen consents. The subject and sid are the ones that relying party's ID token carried.
create table if not exists oidc.relying_party_sessions (
    account_id text not null,
    session_id text not null,
    client_id text not null,
    subject text not null,
    sid text not null,
    created_at timestamptz not null default now(),
    primary key (account_id, session_id, client_id)
);

-- logout_deliveries: one logout token owed to one relying party. Rows are added in the same batch as the audit entry of
-- the account event that ended the session (lock, password change, recovery, logout, logout everywhere, a reused
-- refresh token), so an acknowledged event always has its deliveries; a repeat of the event adds nothing. The gateway
-- sends them until the relying party answers 2xx, backing off; delivered rows keep their time for operators.
create table if not exists oidc.logout_deliveries (
    delivery_id bigint generated always as identity primary key,
    event_id text not null,
    client_id text not null,
    subject text not null,
    sid text not null,
    created_at timestamptz not null default now(),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at timestamptz,
    last_error text,
    unique (event_id, client_id, sid)
);

create index if not exists logout_deliveries_due on oidc.logout_deliveries (next_attempt_at) where delivered_at is null;
