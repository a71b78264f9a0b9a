-- Daily cells: the figures of each rolled-up day per queue × priority × source, and of every coarser cut of it
-- ('*' = all queues, priorities or sources), so a range of days reads one row per day instead of its visits. A
-- cell keeps its counts and sums (every count, mean, rate, honesty and punctuality figure of a range is their sum),
-- its exact median and P90, and its waits, service times and lateness values, from which a range's percentiles are
-- taken exactly. InsightsRollup writes them from insight_rollup_visit in the transaction that copies a day.
CREATE TABLE insight_rollup_cell (
  site_id           text NOT NULL,
  day               date NOT NULL,
  queue_id          text NOT NULL,
  priority          text NOT NULL,
  source            text NOT NULL,
  visits            bigint NOT NULL,
  arrivals          bigint NOT NULL,
  called            bigint NOT NULL,
  no_shows          bigint NOT NULL,
  left_count        bigint NOT NULL,
  transfers_in      bigint NOT NULL,
  transfers_out     bigint NOT NULL,
  recalls           bigint NOT NULL,
  within_target     bigint NOT NULL,
  wait_median       float8,
  wait_p90          float8,
  service_median    float8,
  services          bigint NOT NULL,
  service_sum       bigint NOT NULL,
  -- called visits shown an estimate, and the sums of their errors (shown P50 - wait, in minutes)
  estimates         bigint NOT NULL,
  error_abs_sum     numeric NOT NULL,
  error_sum         numeric NOT NULL,
  p90_covers        bigint NOT NULL,
  range_holds       bigint NOT NULL,
  punctual_arrivals bigint NOT NULL,
  early             bigint NOT NULL,
  late              bigint NOT NULL,
  lateness_median   float8,
  -- the cell's values in seconds, unordered: waits (arrival to first call), service times, lateness
  waits             float8[] NOT NULL,
  service_times     integer[] NOT NULL,
  latenesses        float8[] NOT NULL,
  -- a range of days of one cut is one stretch of the key
  PRIMARY KEY (site_id, priority, source, day, queue_id)
);

-- Arrivals by local weekday and hour of each rolled-up day, in the same cells.
CREATE TABLE insight_rollup_hour (
  site_id   text NOT NULL,
  day       date NOT NULL,
  queue_id  text NOT NULL,
  priority  text NOT NULL,
  source    text NOT NULL,
  weekday   smallint NOT NULL,
  hour      smallint NOT NULL,
  arrivals  bigint NOT NULL,
  PRIMARY KEY (site_id, priority, source, queue_id, day, weekday, hour)
);

-- Days rolled up before cells existed have none: they are copied again (from queue-core's views, as they stand
-- now) by the next roll-up.
DELETE FROM insight_rollup_visit;
DELETE FROM insight_rollup;
