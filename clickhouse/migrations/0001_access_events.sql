-- The canonical access event, one row per API call.
-- `timestamp` is milliseconds since the Unix epoch (18.16 has no DateTime64).
-- ReplacingMergeTree collapses a replayed event (same principal, timestamp and id) at merge time;
-- until a merge runs, queries read the table with FINAL or group by id, so each event counts once.
-- Partitions are days, so retention is `ALTER TABLE access_events DROP PARTITION yyyymmdd`.
CREATE TABLE IF NOT EXISTS access_events (
  id String,
  `timestamp` UInt64,
  principal String,
  credential String,
  source_ip String,
  user_agent String,
  method String,
  host String,
  path String,
  route String,
  status UInt16,
  bytes_in UInt64,
  bytes_out UInt64,
  duration_ms Float64,
  proxy String,
  topic String,
  `partition` Int32,
  `offset` Int64,
  ingested_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(toDateTime(intDiv(`timestamp`, 1000)))
ORDER BY (principal, `timestamp`, id);
