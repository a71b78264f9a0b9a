// A manager's insights (/insights/{siteId}): today live, then for a range of the site's days the totals, the waits
// per queue per day as a chart (its numbers one click away) and arrivals by hour and weekday as a heat map; CSV links.

import uPlot from '/vendor/uPlot.esm.js';
import { api, el } from './api.js';
import { formatNumber, lang, t } from './i18n.js';
import { openStaffPage, staffCall } from './session.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/v1/sites/${encodeURIComponent(siteId)}`;
const $ = (id) => document.getElementById(id);
const COLOURS = ['#0b3d66', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490'];
let chart = null;

const minutes = (seconds) => (seconds === null || seconds === undefined ? '—' : formatNumber(Math.round(seconds / 6) / 10));
const percent = (share) => (share === null || share === undefined ? '—'
  : new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 1 }).format(share));

async function showLive() {
  const live = await staffCall(`${base}/insights/live`);
  $('live').replaceChildren(...live.queues.map((q) => el('tr', { class: q.pastMaxWait > 0 ? 'alert' : '' },
    el('td', {}, q.name), el('td', {}, formatNumber(q.waitingNow)), el('td', {}, minutes(q.longestWaitSeconds)),
    el('td', {}, formatNumber(q.callsLastHour)), el('td', {}, formatNumber(q.pastMaxWait)),
    el('td', {}, formatNumber(q.staffOnDuty)))));
}

function showTotals(total, honesty, punctuality) {
  const rows = [
    ['insights.col.visits', formatNumber(total.visits)],
    ['insights.col.waitMedian', minutes(total.waitMedianSeconds)],
    ['insights.col.waitP90', minutes(total.waitP90Seconds)],
    ['insights.col.service', minutes(total.serviceMedianSeconds)],
    ['insights.noShowRate', percent(total.noShowRate)],
    ['insights.leftRate', percent(total.leftRate)],
    ['insights.withinTargetShare', percent(total.withinTargetShare)],
    ['insights.transfers', formatNumber(total.transfersOut)],
    ['insights.recalls', formatNumber(total.recalls)],
    ['insights.estimateError', honesty.meanAbsErrorMinutes === null ? '—' : formatNumber(honesty.meanAbsErrorMinutes)],
    ['insights.estimateBias', honesty.biasMinutes === null ? '—' : formatNumber(honesty.biasMinutes)],
    ['insights.rangeHolds', percent(honesty.rangeHolds)],
    ['insights.earlyShare', percent(punctuality.earlyShare)],
    ['insights.lateShare', percent(punctuality.lateShare)],
    ['insights.latenessMedian', minutes(punctuality.latenessMedianSeconds)],
  ];
  $('totals').replaceChildren(...rows.flatMap(([key, value]) => [el('dt', {}, t(key)), el('dd', {}, value)]));
}

/** One line of median wait per queue over the range's days (a day without calls is a gap). */
function showWaitsChart(daily) {
  const days = [...new Set(daily.map((d) => d.day))].sort();
  const queues = [...new Set(daily.map((d) => d.queueId))].sort();
  const median = new Map(daily.map((d) => [d.day + '|' + d.queueId, d.waitMedianSeconds]));
  const data = [days.map((d) => Date.parse(d + 'T12:00:00Z') / 1000),
    ...queues.map((q) => days.map((d) => {
      const s = median.get(d + '|' + q);
      return s === null || s === undefined ? null : s / 60;
    }))];
  const series = [{}, ...queues.map((q, i) => ({ label: q, stroke: COLOURS[i % COLOURS.length], width: 2,
    points: { show: true } }))];
  if (chart) chart.destroy();
  const box = $('waits-chart');
  chart = new uPlot({ width: Math.max(320, box.clientWidth), height: 300, series,
    scales: { x: { time: true } }, axes: [{}, { label: t('insights.minutes') }] }, data, box);
  $('daily').replaceChildren(...daily.map((d) => el('tr', {},
    el('td', {}, d.day), el('td', {}, d.queueId), el('td', {}, formatNumber(d.visits)),
    el('td', {}, minutes(d.waitMedianSeconds)), el('td', {}, minutes(d.waitP90Seconds)),
    el('td', {}, minutes(d.serviceMedianSeconds)), el('td', {}, formatNumber(d.noShows)),
    el('td', {}, formatNumber(d.left)), el('td', {}, percent(d.withinTargetShare)))));
}

/** Weekdays down, hours across; each cell shows its count, shaded by its share of the busiest cell. */
function showHeatMap(cells) {
  const count = new Map(cells.map((c) => [c.weekday * 100 + c.hour, c.arrivals]));
  const busiest = Math.max(1, ...cells.map((c) => c.arrivals));
  const hours = [...Array(24).keys()];
  const weekday = new Intl.DateTimeFormat(lang(), { weekday: 'short', timeZone: 'UTC' });
  $('heat-hours').replaceChildren(el('th', {}), ...hours.map((h) => el('th', { scope: 'col' }, String(h))));
  $('heat').replaceChildren(...[1, 2, 3, 4, 5, 6, 7].map((d) => el('tr', {},
    // 2024-01-01 was a Monday: ISO weekday d is 2024-01-0d
    el('th', { scope: 'row' }, weekday.format(new Date(Date.UTC(2024, 0, d)))),
    ...hours.map((h) => {
      const n = count.get(d * 100 + h) || 0;
      return el('td', { class: 'level-' + Math.ceil((4 * n) / busiest) }, n ? formatNumber(n) : '');
    }))));
}

async function show(event) {
  if (event) event.preventDefault();
  const query = new URLSearchParams({ from: $('from').value, to: $('to').value });
  if ($('queue').value) query.set('queue', $('queue').value);
  $('csv-daily').href = `${base}/insights?${query}&format=csv`;
  $('csv-visits').href = `${base}/insights/visits?${query}&format=csv`;
  $('error').textContent = '';
  try {
    const report = await staffCall(`${base}/insights?${query}`);
    showTotals(report.total, report.honesty, report.punctuality);
    showWaitsChart(report.daily);
    showHeatMap(report.arrivalsByHour);
  } catch (e) {
    $('error').textContent = e.message;
  }
}

async function start() {
  $('site-name').textContent = siteId;
  await openStaffPage();
  const queues = await api(`${base}/queues`);
  $('queue').append(...queues.map((q) => el('option', { value: q.id }, q.name)));
  const today = new Date().toISOString().slice(0, 10);
  $('to').value = today;
  $('from').value = new Date(Date.now() - 27 * 86400000).toISOString().slice(0, 10);
  $('range-form').addEventListener('submit', show);
  try {
    await showLive();
  } catch (e) {
    $('error').textContent = e.message;
  }
  show();
}

start();
