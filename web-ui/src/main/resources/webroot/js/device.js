// An enrolled waiting-room TV or kiosk. An administrator creates a one-time pairing code on the admin page; the
// device trades it for its own token (wld_…), kept in this browser's localStorage under one key per kind of page,
// and sends it as Authorization: Bearer (and as access_token on WebSockets, which cannot carry headers).

import { api, el } from './api.js';
import { t } from './i18n.js';

const PAGE = { display: 'tv', kiosk: 'kiosk' };
const key = (kind) => 'waitline.device.' + PAGE[kind];

/** The stored device of this kind — { token, siteId, deviceId, name } — or null. */
export function storedDevice(kind) {
  try {
    const device = JSON.parse(localStorage.getItem(key(kind)) || 'null');
    return device && typeof device.token === 'string' && typeof device.siteId === 'string' ? device : null;
  } catch {
    return null;
  }
}

export function forgetDevice(kind) {
  try {
    localStorage.removeItem(key(kind));
  } catch {
    // nothing kept
  }
}

function remember(kind, paired) {
  const device = { token: paired.token, siteId: paired.device.siteId, deviceId: paired.device.id, name: paired.device.name };
  localStorage.setItem(key(kind), JSON.stringify(device));
  return device;
}

/** The page this device belongs on: its own kind of page, at the site it is enrolled at. */
export function homeOf(kind, device) {
  return `/${PAGE[kind]}/${encodeURIComponent(device.siteId)}`;
}

/**
 * Shows the pairing screen in {@code container} and resolves with the stored device once a code is accepted.
 * A code made for the other kind of device is kept for that page, which then opens.
 */
export function pairDevice(container, kind, reason) {
  return new Promise((resolve) => {
    const input = el('input', {
      id: 'pair-code', class: 'pair-code', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters',
      required: true, maxlength: '20', 'aria-describedby': 'pair-help',
    });
    const message = el('p', { id: 'pair-error', class: 'error', role: 'alert' }, reason || '');
    const button = el('button', { type: 'submit', class: 'primary', id: 'pair-submit' }, t('pair.submit'));
    const form = el('form', { class: 'card pair', id: 'pair-form', 'aria-labelledby': 'pair-title' },
      el('h2', { id: 'pair-title' }, t(kind === 'display' ? 'pair.titleTv' : 'pair.titleKiosk')),
      el('p', { id: 'pair-help', class: 'lead' }, t('pair.help')),
      el('label', { for: 'pair-code' }, t('pair.code')),
      input, message, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      button.disabled = true;
      message.textContent = t('pair.checking');
      try {
        const paired = await api('/api/v1/devices/pair', { method: 'POST', body: { code: input.value.trim() }, anonymous: true });
        const pairedKind = paired.device.kind;
        const device = remember(pairedKind, paired);
        if (pairedKind !== kind) {
          location.assign(homeOf(pairedKind, device));
          return;
        }
        resolve(device);
      } catch (e) {
        message.textContent = e.message;
        button.disabled = false;
        input.select();
      }
    });
    container.replaceChildren(form);
    input.focus();
  });
}

/**
 * Asks the server whether the device's token still works. Resolves true, or false when the device was revoked;
 * rejects when the server cannot say (offline), so callers retry later.
 */
export async function stillEnrolled(device) {
  try {
    const session = await api('/api/v1/auth/session', { token: device.token, anonymous: true });
    return Boolean(session && (session.kind === 'device' || session.device));
  } catch (e) {
    if (e.status === 401 || e.status === 403) return false;
    throw e;
  }
}
