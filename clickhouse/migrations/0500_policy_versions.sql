-- Versions of the learned least-privilege policy. `policy learn` writes a version as a draft,
-- and `policy approve` writes the same version again with status approved; a version replaced by
-- a newer approval is written again as superseded. ReplacingMergeTree keeps the row with the
-- largest updated_at_ms per version; read with FINAL.
-- status: draft, approved or superseded. document is the JSON array of principal policies.
CREATE TABLE IF NOT EXISTS policy_versions (
  version UInt64,
  status String,
  created_at_ms UInt64,
  approved_at_ms UInt64,
  approved_by String,
  note String,
  min_route_count UInt32,
  principal_count UInt32,
  document String,
  updated_at_ms UInt64
)
ENGINE = ReplacingMergeTree(updated_at_ms)
ORDER BY version;
