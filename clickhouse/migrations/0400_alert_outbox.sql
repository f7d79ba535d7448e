-- Alerts waiting for delivery, one row per alert and sink, written before the first attempt so
-- that a crash loses nothing. A state change writes a new row with a larger updated_at_ms, and
-- ReplacingMergeTree keeps the newest; read with FINAL.
-- status: pending, delivered or failed (gave up after the configured attempts, or the sink
-- rejected the alert as invalid). message_id is the webhook-id, the same on every retry.
CREATE TABLE IF NOT EXISTS alert_outbox (
  alert_id String,
  sink String,
  message_id String,
  payload String,
  status String,
  attempts UInt32,
  created_at_ms UInt64,
  updated_at_ms UInt64,
  last_error String
)
ENGINE = ReplacingMergeTree(updated_at_ms)
ORDER BY (alert_id, sink);
