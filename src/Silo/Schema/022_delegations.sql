-- Issue 31: a parent's sign-ins on behalf of a child under 14, per relying party. The delegation ends when the
-- population database (registry.citizens) makes the child 14 on the platform's day; then a relying party registered for
-- security events (tells) is owed a "tokens revoked" event for the child's subject, and its tokens stop.
create table if not exists oidc.delegations (
    client_id  text not null,
    child_id   text not null,
    parent_id  text not null,
    subject    text not null,
    ends_on    date not null,
    tells      boolean not null,
    created_at timestamptz not null default now(),
    ended_at   timestamptz,
    primary key (client_id, child_id, parent_id)
);

create index if not exists delegations_open on oidc.delegations (child_id) where ended_at is null;
