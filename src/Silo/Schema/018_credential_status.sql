-- Issue 29: the credential issuer's status list (IETF Token Status List). Each issued credential owns one entry, taken
-- at random in a list of 131,072; its status is 0 valid, 1 invalid or 2 suspended (a locked account's credentials are
-- suspended by the account-events consumer and valid again on unlock). The gateway serves the list as a signed
-- statuslist+jwt at /status-lists/{list_id}.
create table if not exists oidc.credential_status (
    list_id integer not null,
    idx integer not null,
    account_id text not null,
    credential text not null,
    status smallint not null default 0,
    issued_at timestamptz not null,
    expires_at timestamptz not null,
    primary key (list_id, idx)
);
create index if not exists credential_status_account on oidc.credential_status (account_id);
create index if not exists credential_status_not_valid on oidc.credential_status (list_id) where status <> 0;
