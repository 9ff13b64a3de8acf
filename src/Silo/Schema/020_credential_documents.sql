-- Issue 29: a credential of a wallet paper names the paper (its kind and number in registers.documents): its status in
-- the list follows the register at every fetch — revoked, expired, given to another person or gone reads 1 (invalid).
alter table oidc.credential_status add column if not exists document_kind smallint null;
alter table oidc.credential_status add column if not exists document_number text null;
create index if not exists credential_status_documents on oidc.credential_status (list_id) where document_kind is not null;
