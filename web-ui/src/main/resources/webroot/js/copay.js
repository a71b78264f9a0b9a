// The co-pay step of a kiosk check-in: "Co-pay €20.00 — pay by card", the card reader beside the kiosk takes the
// card, then "Paid — receipt sent" or the decline in words with "try another card" and "pay at the desk". No card
// data ever passes through this page: the reader talks to the processor, the page only follows the payment's state.

import { el } from './api.js';
import { t } from './i18n.js';

const POLL_MS = 1000;
/** States in which the reader or the processor still has to answer. */
const WAITING = new Set(['created', 'ready', 'processing', 'authorized', 'unknown']);

/**
 * Fills {@code container} with the co-pay step for the checked-in {@code entry}. {@code call} is the kiosk's
 * authenticated API call; {@code touch} keeps the kiosk from going idle while the patient is paying.
 */
export async function renderCopay(container, entry, { call, touch = () => {} }) {
  container.dataset.entry = entry.id || '';
  let copay;
  try {
    copay = await call(`/api/v1/entries/${entry.id}/copay`);
  } catch (e) {
    return desk(container, e.message);
  }
  if (copay.collect === 'none' || copay.amountMinor === 0) return container.replaceChildren();
  if (copay.collect === 'desk') return desk(container);
  if (copay.payment && copay.payment.state === 'succeeded') return paid(container, copay.payment);
  const step = { container, entry, call, touch, copay, timer: null };
  offer(step);
}

function desk(container, why) {
  container.dataset.state = 'desk';
  container.replaceChildren(
    el('h3', {}, t('kiosk.copayTitle')),
    why ? el('p', { class: 'error', role: 'alert' }, why) : '',
    el('p', { id: 'copay-message' }, t('kiosk.copayDesk')));
}

function offer(step, failure) {
  const { container, copay } = step;
  container.dataset.state = failure ? 'declined' : 'offer';
  const actions = el('div', { class: 'row' },
    el('button', { id: 'copay-pay', type: 'button', class: 'primary huge', onclick: () => pay(step) },
      t(failure ? 'kiosk.copayRetry' : 'kiosk.copayPay')));
  if (failure || copay.skippable) {
    actions.append(el('button', { id: 'copay-skip', type: 'button', class: 'secondary huge',
      onclick: () => skip(step) }, t('kiosk.copayAtDesk')));
  }
  container.replaceChildren(
    el('h3', {}, t('kiosk.copayAmount', { amount: copay.amount })),
    failure ? el('p', { id: 'copay-message', class: 'error', role: 'alert' }, failure) : '',
    actions);
}

async function pay(step) {
  const { container, entry, call } = step;
  container.dataset.state = 'reader';
  container.replaceChildren(
    el('h3', {}, t('kiosk.copayAmount', { amount: step.copay.amount })),
    el('p', { id: 'copay-message', class: 'lead' }, t('kiosk.copayTap')));
  try {
    follow(step, await call(`/api/v1/entries/${entry.id}/payments`, { method: 'POST', body: { station: 'kiosk' } }));
  } catch (e) {
    offer(step, e.message);
  }
}

/** Polls the payment until the reader and the processor have answered. */
function follow(step, payment) {
  step.payment = payment;
  step.touch();
  if (payment.state === 'succeeded') return paid(step.container, payment);
  if (payment.state === 'declined') return offer(step, payment.failure);
  if (payment.state === 'canceled' || payment.state === 'failed') return offer(step, payment.failure);
  if (payment.state === 'unknown') {
    step.container.querySelector('#copay-message').textContent = t('kiosk.copayChecking');
  }
  // the kiosk moved on (reset, or the next patient): stop asking
  if (!step.container.firstChild || step.container.dataset.entry !== step.entry.id) return;
  step.timer = setTimeout(async () => {
    try {
      follow(step, await step.call(`/api/v1/payments/${payment.id}`));
    } catch {
      follow(step, payment); // offline for a moment: keep asking
    }
  }, POLL_MS);
}

async function skip(step) {
  clearTimeout(step.timer);
  const state = step.payment && step.payment.state;
  if (state && (WAITING.has(state) || state === 'declined')) {
    try {
      await step.call(`/api/v1/payments/${step.payment.id}/cancel`, { method: 'POST' });
    } catch {
      // the desk sees the payment as it is and can cancel it there
    }
  }
  desk(step.container);
}

function paid(container, payment) {
  container.dataset.state = 'paid';
  const card = payment.cardBrand ? `${payment.cardBrand.toUpperCase()} •••• ${payment.cardLast4}` : '';
  container.replaceChildren(
    el('h3', {}, t('kiosk.copayTitle')),
    el('p', { id: 'copay-message', class: 'lead' }, t('kiosk.copayPaid', { amount: payment.amount, card })));
}
