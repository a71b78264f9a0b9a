-- Retention (NotifyRetention): a finished message past retention loses what it said and where it went; this says
-- when, so a run resumes where the last one stopped and never redoes a message.
ALTER TABLE notify_intent ADD COLUMN details_removed_at timestamptz;
CREATE INDEX notify_intent_details_kept ON notify_intent (created_at) WHERE details_removed_at IS NULL;
CREATE INDEX notify_preference_updated ON notify_preference (updated_at);
CREATE INDEX notify_push_token_created ON notify_push_token (created_at);
CREATE INDEX notify_web_push_created ON notify_web_push (created_at);
