-- A queue's planned week (Rota): one row per shift, one person at one desk on one weekday (ISO: 1 = Monday), local
-- time at the queue's site. A break is the gap between two shifts of a desk. Overlaps are refused by Rota before
-- writing, under the queue's lock; PUT replaces a queue's rows in one transaction.
CREATE TABLE queue_rota_shift (
  queue_id  text NOT NULL REFERENCES service_queue(id),
  weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  desk      text NOT NULL CHECK (length(desk) BETWEEN 1 AND 40),
  starts    time NOT NULL,
  ends      time NOT NULL,
  CHECK (starts < ends),
  PRIMARY KEY (queue_id, weekday, desk, starts)
);
