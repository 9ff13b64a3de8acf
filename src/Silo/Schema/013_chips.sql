-- NFC recovery (issue 14): what the ID-card production centre wrote on each card's chip (ICAO 9303): data group 1 (the
-- machine-readable zone), data group 13 (the holder's details) and EF.SOD (the document signer's signature over their
-- hashes). Nothing here is secret: a phone reads the same bytes from the card. The platform never trusts these rows; it
-- checks what the phone sends by passive authentication. Development's capture simulator reads them back.
create table if not exists registry.chips (
    id_number text primary key,
    dg1       bytea not null,
    dg13      bytea not null,
    sod       bytea not null
);
