-- A relying party's back-off lives on oidc.security_event_receivers (its deliveries go in order, one failure holds the
-- rest), so a delivery's own next attempt was never read: drop it.
alter table oidc.security_event_deliveries drop column if exists next_attempt_at;
