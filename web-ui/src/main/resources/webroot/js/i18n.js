// Texts of the four faces in English, Spanish, French and Arabic (right-to-left; texts in ../i18n/*.json), and the choice between them:
// ?lang= in the address, else the user's choice on this device, else the site's language, else English.

const STORAGE_KEY = 'waitline.lang';
const RTL = new Set(['ar']);

export const LANGUAGES = [['en', 'English'], ['es', 'Español'], ['fr', 'Français'], ['ar', 'العربية']];

// One JSON file per language under /i18n/, loaded once when this module is first imported.
const MESSAGES = Object.fromEntries(await Promise.all(LANGUAGES.map(async ([code]) => {
  const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
  return [code, response.ok ? await response.json() : {}];
})));

let current = 'en';
const listeners = new Set();

function supported(code) {
  return code && Object.prototype.hasOwnProperty.call(MESSAGES, code) ? code : null;
}

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Picks the language: ?lang=, else this device's choice, else the site's, else English; then applies it. */
export function chooseLanguage(siteLanguage) {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  setLanguage(supported(fromUrl) || supported(stored()) || supported(siteLanguage) || 'en', false);
}

/** Switches language; {@code remember} keeps it as this device's choice. */
export function setLanguage(code, remember) {
  current = supported(code) || 'en';
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  translatePage();
  listeners.forEach((fn) => fn(current));
}

export function onLanguageChange(fn) {
  listeners.add(fn);
}

export function lang() {
  return current;
}

export function isRtl() {
  return RTL.has(current);
}

/** The text for {@code key} with {placeholders} filled in; English when a translation is missing. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
}

/** Sets lang/dir on the page and fills every element marked with data-i18n (text) or data-i18n-* (attributes). */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  document.documentElement.dir = isRtl() ? 'rtl' : 'ltr';
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  for (const attr of ['placeholder', 'aria-label', 'title']) {
    const data = 'i18n' + attr.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
    root.querySelectorAll(`[data-i18n-${attr}]`).forEach((el) => el.setAttribute(attr, t(el.dataset[data])));
  }
  document.querySelectorAll('select[data-lang-picker]').forEach((s) => {
    s.value = current;
  });
}

/** Fills a <select data-lang-picker> with the languages; a change is remembered on this device. */
export function languagePicker(select) {
  select.replaceChildren(...LANGUAGES.map(([code, name]) => {
    const o = document.createElement('option');
    o.value = code;
    o.lang = code;
    o.textContent = name;
    return o;
  }));
  select.value = current;
  select.addEventListener('change', () => setLanguage(select.value, true));
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}

/**
 * A wait estimate as patients see it (as WaitEstimate.displayRange): from as far below P50 as P90 is above it, rounded
 * down, to P90 rounded up, on 5-minute steps; above 2 hours, "over 2 h" (no number that long would be honest).
 */
export function formatWait(estimate) {
  if (!estimate) return '—';
  const p50 = estimate.p50Minutes;
  const p90 = estimate.p90Minutes;
  if (p90 > 120) return t('wait.over', { hours: formatNumber(2) });
  const low = Math.floor(Math.max(0, 2 * p50 - p90) / 5) * 5;
  const high = Math.max(low + 5, Math.ceil(p90 / 5) * 5);
  if (high <= 5) return t('wait.under5');
  return t('wait.range', { low: formatNumber(low), high: formatNumber(high) });
}

/** Hours and minutes of an instant, in a time zone (the site's) when given. */
export function formatTime(date, timeZone) {
  const options = { hour: '2-digit', minute: '2-digit' };
  if (timeZone) options.timeZone = timeZone;
  try {
    return new Intl.DateTimeFormat(current, options).format(date);
  } catch {
    return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit' }).format(date);
  }
}
