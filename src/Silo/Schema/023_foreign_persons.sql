-- Issue 31: the immigration database links a renewed passport to the person who held the old one. Each document row
-- names its person (person_id); a row without one is its own person (its document key), as every row seeded before.
alter table immigration.foreigners add column if not exists person_id text null;
create index if not exists foreigners_person on immigration.foreigners (person_id) where person_id is not null;
