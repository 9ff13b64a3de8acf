-- The stand-in for the National Immigration Database (Cơ sở dữ liệu quốc gia về xuất nhập cảnh, issue 14): the foreigners
-- who may hold an e-ID account, named by the passport or international travel document they entered with. A foreigner's
-- key is the issuing country's ISO 3166-1 alpha-3 code, a hyphen and the document number; it can never be a personal ID
-- number (twelve digits), so the two kinds of account never share a key.
create schema if not exists immigration;

create table if not exists immigration.foreigners (
    document_key        text primary key check (document_key ~ '^[A-Z]{3}-[A-Z0-9]{1,15}$'),
    issuing_country     text not null check (issuing_country ~ '^[A-Z]{3}$'),
    document_number     text not null,
    nationality         text not null check (nationality ~ '^[A-Z]{3}$'),
    full_name           text not null,
    date_of_birth       date not null,
    gender              smallint not null check (gender in (0, 1)),
    document_issued_on  date not null,
    document_expires_on date not null,
    phone               text null,
    check (document_key = issuing_country || '-' || document_number)
);

-- Portrait and fingerprint templates taken at entry (fixed-length feature vectors, 64 signed bytes each).
create table if not exists immigration.biometrics (
    document_key text primary key references immigration.foreigners (document_key),
    portrait     bytea not null check (length(portrait) = 64),
    fingerprint  bytea not null check (length(fingerprint) = 64)
);
