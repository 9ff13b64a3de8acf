-- The stand-in for the National Population Database.
create schema if not exists registry;

create table if not exists registry.citizens (
    id_number      text primary key check (id_number ~ '^[0-9]{12}$'),
    full_name      text not null,
    date_of_birth  date not null,
    gender         smallint not null check (gender in (0, 1)),
    birth_province text not null check (birth_province ~ '^[0-9]{3}$'),
    card_number    text null,
    card_issued_on date null,
    phone          text null,
    father_id      text null,
    mother_id      text null
);
create index if not exists citizens_father on registry.citizens (father_id) where father_id is not null;
create index if not exists citizens_mother on registry.citizens (mother_id) where mother_id is not null;

-- Templates enrolled when the chip ID card was issued (fixed-length feature vectors, 64 signed bytes each).
create table if not exists registry.biometrics (
    id_number   text primary key,
    portrait    bytea not null check (length(portrait) = 64),
    fingerprint bytea not null check (length(fingerprint) = 64)
);
