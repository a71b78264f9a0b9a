-- Daily rollups: the visits of each closed local day, copied once from queue-core's insight views (which stay the
-- truth) into one narrow row per visit, so a range of past days reads these rows instead of every visit's
-- transitions and check-in event. Visits, not sums: a range's medians and P90 are exact over its visits, which
-- daily sums could not give. No patient detail is copied. InsightsRollup writes these tables; nothing else does.
CREATE TABLE insight_rollup_visit (
  site_id            text NOT NULL,
  day                date NOT NULL,
  entry_id           uuid NOT NULL,
  queue_id           text NOT NULL,
  ticket             text,
  priority           text NOT NULL,
  source             text NOT NULL,
  appointment_at     timestamptz,
  arrived_at         timestamptz,
  first_called_at    timestamptz,
  service_started_at timestamptz,
  service_seconds    integer,
  recalls            bigint NOT NULL,
  transferred_in     boolean NOT NULL,
  outcome            text NOT NULL,
  max_wait_minutes   integer NOT NULL,
  time_zone          text NOT NULL,
  -- the wait the patient was shown on joining the line (insight_shown_estimate), null when none was shown
  shown_p50_minutes  integer,
  shown_p90_minutes  integer,
  -- arrived_at on the site's clock, converted once here rather than on every read of the arrivals by hour
  arrived_local      timestamp,
  -- in the order the daily figures group by, so a range is read already sorted by day and queue
  PRIMARY KEY (site_id, day, queue_id, entry_id)
);

-- How far each site is rolled up: every one of its days up to rolled_through is in insight_rollup_visit, the later
-- ones are read from the views.
CREATE TABLE insight_rollup (
  site_id         text PRIMARY KEY,
  rolled_through  date NOT NULL,
  rolled_at       timestamptz NOT NULL
);
