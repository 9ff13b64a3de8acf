-- Issue 27: a DPoP proof (RFC 9449) is accepted once, whichever gateway sees it: each accepted proof's key thumbprint and
-- jti, hashed, until it would be too old to accept anyway. Expired rows are removed as new ones arrive.
create table if not exists oidc.dpop_proofs (
    proof_hash bytea primary key,
    expires_at timestamptz not null
);
create index if not exists dpop_proofs_expiry on oidc.dpop_proofs (expires_at);
