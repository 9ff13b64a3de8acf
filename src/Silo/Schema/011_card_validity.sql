-- The chip card in full (issue 14): the registry keeps each card's expiry (the law's change ages: 14, 25, 40, 60) and
-- the day it was reported lost. A card recorded before this script has no expiry here; the platform then derives it
-- from the birth date and the issue date by the same rule (CitizenRecord.CardValidUntil).
alter table registry.citizens add column if not exists card_expires_on date null;
alter table registry.citizens add column if not exists card_reported_lost_on date null;
