-- Issue 29: stand-ins for the registers that issue the papers a level-2 wallet may hold — driving licences (the
-- driving-licence database), vehicle registrations (the vehicle-registration database), social insurance and
-- health-insurance cards (Vietnam Social Security). A paper enters a wallet only when its register names the account's
-- holder, has not revoked it and still holds it valid; revocations and expiries here reach the wallets that hold it.
-- kind: 0 driving licence, 1 vehicle registration, 2 social insurance, 3 health-insurance card (DocumentKind).
create schema if not exists registers;

create table if not exists registers.documents (
    kind             smallint not null check (kind in (0, 1, 2, 3)),
    number           text not null,
    holder_id_number text not null,
    issuer           text not null,
    valid_from       date not null,
    valid_until      date null,
    revoked_at       timestamptz null,
    changed_at       timestamptz not null default now(),
    primary key (kind, number)
);
create index if not exists documents_holder on registers.documents (holder_id_number);
create index if not exists documents_changed on registers.documents (changed_at);
