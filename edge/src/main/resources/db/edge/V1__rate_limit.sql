-- One token bucket per (bucket, subject), shared by every instance and node on this database: a bucket holds a
-- minute's budget and refills evenly. RateLimitStore takes a token with one upsert; idle rows are deleted.
CREATE TABLE rate_limit (
  bucket     text             NOT NULL,
  subject    text             NOT NULL,
  tokens     double precision NOT NULL,
  updated_ms bigint           NOT NULL,
  granted    boolean          NOT NULL,
  PRIMARY KEY (bucket, subject)
);
CREATE INDEX rate_limit_updated ON rate_limit (updated_ms);
