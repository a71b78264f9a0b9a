-- Staff asked for this message now (POST /notifications/{id}/retry): quiet hours do not hold it. Cleared when the
-- claim that acts on it ends.
ALTER TABLE notify_intent ADD COLUMN send_now boolean NOT NULL DEFAULT false;
