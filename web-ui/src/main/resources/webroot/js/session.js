// Staff sign-in for the front desk and the admin page. The session lives in the server's HttpOnly cookie; this page
// keeps only the session's CSRF token, in memory, and sends it with every change. Nothing is kept in localStorage.

import { api, el } from './api.js';
import { chooseLanguage, t, translatePage } from './i18n.js';

let csrf = null;

/** Who is signed in on this browser (getSession); remembers its CSRF token. */
export async function currentSession() {
  const session = await api('/api/v1/auth/session');
  csrf = session && session.signedIn ? session.csrfToken || null : null;
  return session;
}

/** True when {@code session} is a signed-in staff member. */
export function isStaff(session) {
  return Boolean(session && session.signedIn && session.kind === 'staff' && session.user);
}

/**
 * A call as the signed-in staff member. A refusal for a stale CSRF token (the session was renewed elsewhere) is
 * retried once with the current one.
 */
export async function staffCall(path, options = {}) {
  try {
    return await api(path, { ...options, csrf });
  } catch (e) {
    const type = (e.problem && e.problem.type) || '';
    if (e.status !== 403 || !/csrf/i.test(type)) throw e;
    await currentSession();
    return api(path, { ...options, csrf });
  }
}

export async function signOut() {
  try {
    await staffCall('/api/v1/auth/session', { method: 'DELETE' });
  } finally {
    csrf = null;
  }
}

/**
 * Opens a signed-in report page: its texts in the chosen language, the sign-in form in #signin until staff are signed
 * in, then #app shown. Resolves with the session.
 */
export async function openStaffPage() {
  chooseLanguage(null);
  translatePage();
  let session = await currentSession();
  if (!isStaff(session)) session = await signInForm(document.getElementById('signin'), { session });
  document.getElementById('signin').replaceChildren();
  document.getElementById('app').hidden = false;
  return session;
}

/** The staff member's name as the page shows it. */
export function userName(session) {
  return (session.user && (session.user.displayName || session.user.username)) || '';
}

/**
 * Shows the sign-in form in {@code container} and resolves with the new session once the server accepts the
 * credentials. {@code reason} is a sentence to show first (e.g. why the last session ended); {@code returnTo} is
 * where the organisation's sign-in comes back to.
 */
export function signInForm(container, { session, returnTo, reason } = {}) {
  return new Promise((resolve) => {
    const methods = (session && session.signInMethods) || { local: true };
    const username = el('input', {
      id: 'signin-username', name: 'username', autocomplete: 'username', required: true, maxlength: '100',
      spellcheck: 'false', autocapitalize: 'none',
    });
    const password = el('input', {
      id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
      maxlength: '200',
    });
    const message = el('p', { id: 'signin-error', class: 'error', role: 'alert' }, reason || '');
    const button = el('button', { type: 'submit', class: 'primary', id: 'signin-submit' }, t('signin.submit'));
    const local = methods.local !== false;
    const form = el('form', { class: 'card signin', id: 'signin-form', 'aria-labelledby': 'signin-title' },
      el('h2', { id: 'signin-title' }, t('signin.title')),
      session && session.setupNeeded ? el('p', { class: 'note', id: 'signin-setup' }, t('signin.setupNeeded'), ' ',
        el('a', { href: '/setup' }, t('signin.setupLink'))) : null,
      local ? el('label', { for: 'signin-username' }, t('signin.username')) : null,
      local ? username : null,
      local ? el('label', { for: 'signin-password' }, t('signin.password')) : null,
      local ? password : null,
      message,
      local ? button : null,
      methods.oidc ? el('p', { class: 'signin-oidc' }, el('a', {
        id: 'signin-oidc', class: 'button-link',
        href: '/auth/oidc/login?returnTo=' + encodeURIComponent(returnTo || location.pathname),
      }, t('signin.oidc'))) : null);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      button.disabled = true;
      message.textContent = t('signin.working');
      try {
        const signedIn = await api('/api/v1/auth/session', {
          method: 'POST', body: { username: username.value.trim(), password: password.value },
        });
        csrf = signedIn.csrfToken || null;
        password.value = '';
        resolve(signedIn);
      } catch (e) {
        message.textContent = e.message;
        password.value = '';
        button.disabled = false;
        password.focus();
      }
    });
    container.replaceChildren(form);
    (local ? (username.value ? password : username) : form.querySelector('a')).focus();
  });
}
