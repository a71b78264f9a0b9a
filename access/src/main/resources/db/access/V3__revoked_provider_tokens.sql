-- Identity-provider access tokens (JWTs) signed out of Waitline before they expire. The provider alone can end
-- them for good; Waitline refuses them from the sign-out until their own expiry, after which the row is of no use.
CREATE TABLE revoked_provider_token (
  token_hash  text PRIMARY KEY,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz NOT NULL
);
-- rows past their token's expiry are pruned as new ones arrive
CREATE INDEX revoked_provider_token_expiry ON revoked_provider_token (expires_at);
