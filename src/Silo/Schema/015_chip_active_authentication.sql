-- Issue 26: the chips prove they are present (ICAO 9303 active authentication). Data group 15 holds each chip's public
-- key, covered by EF.SOD; the private key stays in the card. Development's simulated cards keep it here so that the
-- simulated reader can answer a challenge as the card would. Chips written before have no key: they are issued again by
-- `vneid-silo seed` (scripts/up.sh runs it).
alter table registry.chips add column if not exists dg15 bytea;
alter table registry.chips add column if not exists chip_key bytea;
delete from registry.chips where dg15 is null or chip_key is null;
