-- Every revocation decision, made or refused, appended once per decision and once per call.
-- decision: revoke, would_revoke, refused, revoked (the endpoint confirmed) or revoke_failed.
-- reason says why, for example rate_limit_hour, protected_principal or below_min_severity.
CREATE TABLE IF NOT EXISTS revocation_audit (
  decided_at_ms UInt64,
  alert_id String,
  principal String,
  credential String,
  severity String,
  mode String,
  decision String,
  reason String,
  endpoint String,
  status_code UInt16,
  detail String
)
ENGINE = MergeTree
ORDER BY (principal, decided_at_ms);
