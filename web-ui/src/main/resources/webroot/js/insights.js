// A manager's insights (/insights/{siteId}): today live, then for a range of the site's days the totals, the waits
// per queue per day as a chart, a chart of any other figure per queue per day (P90 wait, service, rates, estimate
// honesty, punctuality), each with its numbers one click away, and arrivals by hour and weekday as a heat map; CSV.

import uPlot from '/vendor/uPlot.esm.js';
import { api, el } from './api.js';
import { formatNumber, lang, t } from './i18n.js';
import { openStaffPage, staffCall } from './session.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/v1/sites/${encodeURIComponent(siteId)}`;
const $ = (id) => document.getElementById(id);
const COLOURS = ['#0b3d66', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490'];

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

function showTotals(total) {
  const { honesty, punctuality } = total;
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

/** The figures of a queue's day the second chart can show: the label's key, the value, and how it reads. */
const FIGURES = {
  waitP90: { key: 'insights.col.waitP90', value: (d) => d.waitP90Seconds, unit: 'seconds' },
  service: { key: 'insights.col.service', value: (d) => d.serviceMedianSeconds, unit: 'seconds' },
  noShowRate: { key: 'insights.noShowRate', value: (d) => d.noShowRate, unit: 'share' },
  leftRate: { key: 'insights.leftRate', value: (d) => d.leftRate, unit: 'share' },
  withinTarget: { key: 'insights.withinTargetShare', value: (d) => d.withinTargetShare, unit: 'share' },
  estimateError: { key: 'insights.estimateError', value: (d) => d.honesty.meanAbsErrorMinutes, unit: 'minutes' },
  estimateBias: { key: 'insights.estimateBias', value: (d) => d.honesty.biasMinutes, unit: 'minutes' },
  rangeHolds: { key: 'insights.rangeHolds', value: (d) => d.honesty.rangeHolds, unit: 'share' },
  earlyShare: { key: 'insights.earlyShare', value: (d) => d.punctuality.earlyShare, unit: 'share' },
  lateShare: { key: 'insights.lateShare', value: (d) => d.punctuality.lateShare, unit: 'share' },
};
const charts = new Map();
let lastDaily = [];

/** A figure's value on the chart's axis: minutes for durations, percent for shares. */
function plotted(value, unit) {
  if (value === null || value === undefined) return null;
  if (unit === 'seconds') return value / 60;
  return unit === 'share' ? value * 100 : value;
}

function shown(value, unit) {
  if (unit === 'seconds') return minutes(value);
  if (unit === 'share') return percent(value);
  return value === null || value === undefined ? '—' : formatNumber(value);
}

/** One line per queue of {@code value} over the range's days (a day without the figure is a gap), in {@code box}. */
function drawChart(box, daily, value, unit) {
  const days = [...new Set(daily.map((d) => d.day))].sort();
  const queues = [...new Set(daily.map((d) => d.queueId))].sort();
  const byDay = new Map(daily.map((d) => [d.day + '|' + d.queueId, value(d)]));
  const data = [days.map((d) => Date.parse(d + 'T12:00:00Z') / 1000),
    ...queues.map((q) => days.map((d) => plotted(byDay.get(d + '|' + q), unit)))];
  // the x series' legend label, uPlot's own 'Time' otherwise: the day, in the page's language
  const series = [{ label: t('insights.col.day') }, ...queues.map((q, i) => ({ label: q, stroke: COLOURS[i % COLOURS.length], width: 2,
    points: { show: true } }))];
  if (charts.has(box.id)) charts.get(box.id).destroy();
  charts.set(box.id, new uPlot({ width: Math.max(320, box.clientWidth), height: 300, series,
    scales: { x: { time: true } }, axes: [{}, { label: t(unit === 'share' ? 'insights.percent' : 'insights.minutes') }] },
  data, box));
  return { days, queues, byDay };
}

/** The median wait per queue, its numbers (every figure of each queue's day) one click away. */
function showWaitsChart(daily) {
  drawChart($('waits-chart'), daily, (d) => d.waitMedianSeconds, 'seconds');
  $('daily').replaceChildren(...daily.map((d) => el('tr', {},
    el('td', {}, d.day), el('td', {}, d.queueId), el('td', {}, formatNumber(d.visits)),
    el('td', {}, minutes(d.waitMedianSeconds)), el('td', {}, minutes(d.waitP90Seconds)),
    el('td', {}, minutes(d.serviceMedianSeconds)), el('td', {}, formatNumber(d.noShows)),
    el('td', {}, formatNumber(d.left)), el('td', {}, percent(d.withinTargetShare)))));
}

/** The chosen figure per queue per day, and its numbers as a table of days by queues. */
function showFigureChart() {
  const figure = FIGURES[$('figure').value];
  const { days, queues, byDay } = drawChart($('figure-chart'), lastDaily, figure.value, figure.unit);
  $('figure-queues').replaceChildren(el('th', { scope: 'col' }, t('insights.col.day')),
    ...queues.map((q) => el('th', { scope: 'col' }, q)));
  $('figure-days').replaceChildren(...days.map((d) => el('tr', {}, el('th', { scope: 'row' }, d),
    ...queues.map((q) => el('td', {}, byDay.has(d + '|' + q) ? shown(byDay.get(d + '|' + q), figure.unit) : '')))));
}

/** A source as people read it: walk-ins, kiosk, appointments booked here, or an appointment source's name. */
function sourceName(source) {
  return source.startsWith('source:') ? source.slice('source:'.length) : t('insights.source.' + source);
}

/** The figures of each source, and every source seen so far offered as a filter. */
function showSources(bySource) {
  $('by-source').replaceChildren(...bySource.map((s) => el('tr', {},
    el('th', { scope: 'row' }, sourceName(s.source)), el('td', {}, formatNumber(s.visits)),
    el('td', {}, minutes(s.waitMedianSeconds)), el('td', {}, minutes(s.waitP90Seconds)),
    el('td', {}, percent(s.noShowRate)), el('td', {}, percent(s.leftRate)), el('td', {}, percent(s.withinTargetShare)),
    el('td', {}, percent(s.punctuality.lateShare)))));
  const offered = new Set([...$('source').options].map((o) => o.value));
  $('source').append(...bySource.filter((s) => !offered.has(s.source))
    .map((s) => el('option', { value: s.source }, sourceName(s.source))));
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
  if ($('source').value) query.set('source', $('source').value);
  $('error').textContent = '';
  try {
    const report = await staffCall(`${base}/insights?${query}`);
    // the exports follow the range on screen: a refused range keeps the last good one's
    $('csv-daily').href = `${base}/insights?${query}&format=csv`;
    $('csv-visits').href = `${base}/insights/visits?${query}&format=csv`;
    reportShown(true);
    showTotals(report.total);
    showWaitsChart(report.daily);
    lastDaily = report.daily;
    showFigureChart();
    showSources(report.bySource);
    showHeatMap(report.arrivalsByHour);
  } catch (e) {
    // never the last range's figures under a refusal of this one
    reportShown(false);
    $('error').textContent = e.message;
  }
}

function reportShown(shown) {
  document.querySelectorAll('.report').forEach((section) => { section.hidden = !shown; });
}

async function start() {
  $('site-name').textContent = siteId;
  await openStaffPage();
  let queues;
  try {
    const site = await api(base);
    $('site-name').textContent = site.name;
    queues = await api(`${base}/queues`);
  } catch (e) {
    // e.g. a site that does not exist: say so instead of an empty page
    reportShown(false);
    $('range-form').hidden = true;
    $('live').closest('section').hidden = true;
    $('error').textContent = e.message;
    return;
  }
  $('queue').append(...queues.map((q) => el('option', { value: q.id }, q.name)));
  const today = new Date().toISOString().slice(0, 10);
  $('to').value = today;
  $('from').value = new Date(Date.now() - 27 * 86400000).toISOString().slice(0, 10);
  $('range-form').addEventListener('submit', show);
  $('source').append(...['walk_in', 'kiosk', 'appointment'].map((s) => el('option', { value: s,
    'data-i18n': 'insights.source.' + s }, sourceName(s))));
  $('figure').append(...Object.entries(FIGURES).map(([name, f]) => el('option', { value: name, 'data-i18n': f.key }, t(f.key))));
  $('figure').addEventListener('change', showFigureChart);
  try {
    await showLive();
  } catch (e) {
    $('error').textContent = e.message;
  }
  show();
}

start();
