// The co-pay step of a kiosk check-in. Until the payment gateway lands it asks the patient to pay at the desk;
// the payment issue replaces this module (same export) with the real step.

import { el } from './api.js';
import { t } from './i18n.js';

/** Fills {@code container} with the co-pay step for the checked-in {@code entry}. */
export function renderCopay(container, entry) {
  container.replaceChildren(
    el('h3', {}, t('kiosk.copayTitle')),
    el('p', { id: 'copay-message' }, t('kiosk.copayDesk')));
  container.dataset.entry = entry.id || '';
}
