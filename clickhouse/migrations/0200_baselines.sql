-- Training runs. A run first claims a version (state `claimed`), then writes its baselines, then
-- publishes them by inserting a `published` row; rollback inserts `rolled_back` rows. Each state
-- change is a new row with a larger updated_at_ms, and ReplacingMergeTree keeps the newest per
-- (version, run_id); read with FINAL. Readers only use versions whose newest state is `published`.
-- parameters holds the run's training settings and priors its peer-group priors, both as JSON.
CREATE TABLE IF NOT EXISTS baseline_runs (
  version UInt64,
  run_id String,
  state String,
  started_at_ms UInt64,
  window_start_ms UInt64,
  window_end_ms UInt64,
  principals UInt64,
  events UInt64,
  parameters String,
  priors String,
  updated_at_ms UInt64
)
ENGINE = ReplacingMergeTree(updated_at_ms)
ORDER BY (version, run_id);

-- One baseline per (version, principal): the model as a JSON document plus columns for filtering.
-- Partitioned by version, so dropping an old or failed version is `DROP PARTITION version`.
CREATE TABLE IF NOT EXISTS baselines (
  version UInt64,
  run_id String,
  principal String,
  trained_at_ms UInt64,
  window_start_ms UInt64,
  window_end_ms UInt64,
  event_count UInt64,
  mature UInt8,
  peer_group Int32,
  document String
)
ENGINE = MergeTree
PARTITION BY version
ORDER BY (principal, version);
