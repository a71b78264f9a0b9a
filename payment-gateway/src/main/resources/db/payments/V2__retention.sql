-- Retention (PaymentRetention): a settled payment past retention loses its card details and its receipt link; this
-- says when, so a run resumes where the last one stopped and never redoes a payment.
ALTER TABLE payment ADD COLUMN details_removed_at timestamptz;
CREATE INDEX payment_details_kept ON payment (created_at) WHERE details_removed_at IS NULL;
