-- Issue 31: the stand-in for the national business-registration database (Cơ sở dữ liệu quốc gia về đăng ký doanh
-- nghiệp): the organisations that may hold an e-ID account, each with its legal representative on record. The platform
-- only reads it; a change of representative here moves the organisation's account to the new one at its next use.
create schema if not exists business;

create table if not exists business.organisations (
    identifier            text primary key check (identifier ~ '^[0-9]{10}(-[0-9]{3})?$'),
    name                  text not null,
    english_name          text not null,
    kind                  text not null check (kind in ('enterprise', 'cooperative', 'association', 'agency')),
    head_office           text not null,
    representative_id     text not null check (representative_id ~ '^[0-9]{12}$'),
    status                text not null default 'operating' check (status in ('operating', 'suspended', 'dissolved')),
    certificate_number    text not null,
    certificate_issued_on date not null,
    issuer                text not null
);

create index if not exists organisations_representative on business.organisations (representative_id);
