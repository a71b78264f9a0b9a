// The staff credential of a front-desk or kiosk device. Until staff sign-in lands, staff paste the server's staff
// token once ("connect this device"); it stays in this browser's localStorage and goes out as Authorization: Bearer
// (and as access_token on WebSockets, which cannot carry headers).

import { api, el } from './api.js';
import { t } from './i18n.js';

const KEY = 'waitline.staffToken';

export function deviceToken() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function forgetDevice() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing kept
  }
}

/**
 * Shows the "connect this device" form in {@code container}; resolves with the token once the server accepts it.
 * {@code reason} is a sentence to show first, e.g. the server's answer to a token that stopped working.
 */
export function connectDevice(container, reason) {
  return new Promise((resolve) => {
    const input = el('input', { id: 'device-token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
    const message = el('p', { id: 'device-message', class: 'error', role: 'alert' }, reason || '');
    const button = el('button', { type: 'submit', class: 'primary', id: 'device-connect' }, t('device.connect'));
    const form = el('form', { class: 'card device-form', id: 'device-form' },
      el('h2', {}, t('device.title')),
      el('p', {}, t('device.help')),
      el('label', { for: 'device-token' }, t('device.token')),
      input, message, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      button.disabled = true;
      message.textContent = t('device.checking');
      try {
        await api('/api/v1/sites', { token });
        localStorage.setItem(KEY, token);
        resolve(token);
      } catch (e) {
        message.textContent = e.message;
        button.disabled = false;
        input.focus();
      }
    });
    container.replaceChildren(form);
    input.focus();
  });
}
