-- Alerts raised by the scorer. A status change writes a new row with a larger updated_at_ms, and
-- ReplacingMergeTree keeps the newest; read with FINAL (or argMax by updated_at_ms).
-- status: open, acked or dismissed. Training skips the windows of alerts that are not dismissed.
-- findings holds the alert's findings as a JSON array.
CREATE TABLE IF NOT EXISTS alerts (
  id String,
  `timestamp` UInt64,
  principal String,
  credential String,
  severity String,
  risk Float64,
  window_start_ms UInt64,
  window_end_ms UInt64,
  baseline_version UInt64,
  detectors Array(String),
  findings String,
  source_ips Array(String),
  status String,
  status_reason String,
  updated_at_ms UInt64
)
ENGINE = ReplacingMergeTree(updated_at_ms)
ORDER BY id;
