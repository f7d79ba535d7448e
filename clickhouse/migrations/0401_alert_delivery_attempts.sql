-- Every delivery attempt to every sink, successful or not, appended once per attempt.
-- outcome: delivered, failed or breaker_open. status_code is the HTTP status, 0 when none.
CREATE TABLE IF NOT EXISTS alert_delivery_attempts (
  alert_id String,
  sink String,
  message_id String,
  attempt UInt32,
  started_at_ms UInt64,
  duration_ms UInt64,
  outcome String,
  status_code UInt16,
  retriable UInt8,
  error String
)
ENGINE = MergeTree
ORDER BY (alert_id, sink, attempt);
