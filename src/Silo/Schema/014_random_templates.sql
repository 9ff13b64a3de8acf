-- Issue 26: the stand-in registry's templates are drawn at random and stored. Until now they were a public function of
-- the ID number (anyone could compute a citizen's enrolled template and forge a capture); those are dropped here and
-- enrolled again at random by `vneid-silo seed-registry` (scripts/up.sh runs it).
delete from registry.biometrics;
delete from immigration.biometrics;

-- What the people without a chip ID card look like to the desk's capture devices (Development's simulated devices read
-- it): drawn at random once; the card issuer enrolls these features when it issues the card.
create table if not exists registry.simulated_people (
    id_number   text primary key,
    portrait    bytea not null check (length(portrait) = 64),
    fingerprint bytea not null check (length(fingerprint) = 64)
);
