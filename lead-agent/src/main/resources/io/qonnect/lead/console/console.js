// The qonnect console: polls this lead agent's state every second and renders it. Every value is set as text,
// never as markup (names and event messages come from users and member clusters).
'use strict';

const TIERS = ['cloud', 'fog', 'edge'];
// the token 'qonnect console' put in the link's fragment: kept for this tab, taken out of the address bar
const TOKEN = (() => {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem('qonnect-console-token', fromLink);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem('qonnect-console-token') || '';
})();
const AUTHORIZED = {headers: {Authorization: 'Bearer ' + TOKEN}, cache: 'no-store'};
let selected = null;
let lastOk = 0;
const shown = {}; // what each section shows now, as JSON: a section is rebuilt only when that changes

function changed(section, value) {
  const json = JSON.stringify(value);
  if (shown[section] === json) return false;
  shown[section] = json;
  return true;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

const enumName = (value, prefix) => (value || '').replace(prefix, '');
const number = (value) => Number(value || 0);
const cores = (millis) => (number(millis) / 1000).toFixed(1);
const gib = (bytes) => (number(bytes) / 2 ** 30).toFixed(1);
const clock = (millis) => new Date(number(millis)).toLocaleTimeString();

function ago(millis) {
  if (!number(millis)) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - number(millis)) / 1000));
  return seconds < 120 ? seconds + ' s ago' : Math.round(seconds / 60) + ' min ago';
}

// what qonnect's placements request (blue) and what other workloads request (grey), as shares of what is allocatable
function bar(placed, others, total) {
  const share = (value) => number(total) > 0 ? Math.min(100, 100 * number(value) / number(total)) : 0;
  const part = (cls, value) => {
    const fill = el('div', {class: cls});
    fill.style.width = share(value).toFixed(1) + '%'; // through the CSSOM: the content security policy allows no inline style
    return fill;
  };
  return el('div', {class: 'bar'}, part('placed', placed), part('others', others));
}

function heartbeat(c, state) {
  if (number(c.lastHeartbeatUnixMillis)) return 'heartbeat ' + ago(c.lastHeartbeatUnixMillis);
  return state.leadAgent === state.leader ? 'no heartbeat yet' : `heartbeats go to the leader (${state.leader || 'none'})`;
}

function clusterCard(c, state) {
  const health = enumName(c.health, 'CLUSTER_HEALTH_');
  const placed = c.placed || {};
  const others = c.used || {};
  const allocatable = c.allocatable || {};
  return el('div', {class: 'cluster', 'data-cluster': c.name, 'data-health': health},
    el('div', {}, el('span', {class: 'name'}, c.name), el('span', {class: 'health'}, health)),
    el('div', {class: 'meta'}, `${c.region || ''} · ${heartbeat(c, state)}`),
    el('div', {class: 'meta'}, c.healthReason || ''),
    el('div', {class: 'meta'}, `CPU: qonnect ${cores(placed.cpuMillis)} + others ${cores(others.cpuMillis)} of ${cores(allocatable.cpuMillis)} cores`),
    bar(placed.cpuMillis, others.cpuMillis, allocatable.cpuMillis),
    el('div', {class: 'meta'}, `memory: qonnect ${gib(placed.memoryBytes)} + others ${gib(others.memoryBytes)} of ${gib(allocatable.memoryBytes)} GiB`),
    bar(placed.memoryBytes, others.memoryBytes, allocatable.memoryBytes));
}

function renderClusters(state) {
  const clusters = state.clusters || [];
  const tiers = document.getElementById('tiers');
  tiers.replaceChildren(...TIERS.map((tier) => el('div', {class: 'tier', 'data-tier': tier}, el('h3', {}, tier),
    ...clusters.filter((c) => enumName(c.tier, 'TIER_').toLowerCase() === tier).map((c) => clusterCard(c, state)))));
}

function placement(app) {
  return (app.components || []).map((component) => {
    const ready = Object.fromEntries((component.ready || []).map((r) => [r.cluster, number(r.replicas)]));
    const where = (component.desired || []).map((d) => `${d.cluster} ${ready[d.cluster] || 0}/${number(d.replicas)}`).join(', ');
    return `${component.component}: ${where}` + (component.waiting ? ` (waiting: ${component.waiting})` : '');
  }).join('\n');
}

function renderApplications(applications) {
  if (!changed('applications', [applications, selected])) return;
  const body = document.querySelector('#applications tbody');
  body.replaceChildren(...applications.map((app) => {
    const phase = app.phase || 'PENDING';
    const row = el('tr', {'data-application': app.name, 'data-phase': phase, class: app.name === selected ? 'selected' : ''},
      el('td', {}, app.name), el('td', {class: 'phase-' + phase}, phase), el('td', {}, number(app.placementEpoch)),
      el('td', {}, el('pre', {}, placement(app))), el('td', {}, app.migration || ''));
    row.addEventListener('click', () => { selected = app.name; shown.applications = null; refreshDetails(); });
    return row;
  }));
}

function eventItem(e) {
  return el('li', {'data-kind': e.kind || ''}, el('span', {class: 'time'}, clock(e.timeUnixMillis)),
    el('span', {class: 'kind'}, e.kind || ''), `${e.subject || ''}: ${e.message || ''}`);
}

async function refreshDetails() {
  const details = document.getElementById('details');
  if (!selected) { details.hidden = true; return; }
  const response = await fetch('api/applications/' + encodeURIComponent(selected), AUTHORIZED);
  if (!response.ok) { details.hidden = true; selected = null; return; }
  const d = await response.json();
  document.getElementById('details-title').textContent = selected;
  document.getElementById('details-explanation').textContent = d.explanation || '(no placement yet)';
  document.getElementById('details-diagnosis-block').hidden = !d.diagnosis;
  document.getElementById('details-diagnosis').textContent = d.diagnosis || '';
  document.getElementById('details-events').replaceChildren(...(d.recentEvents || []).slice().reverse().map(eventItem));
  details.hidden = false;
  document.querySelectorAll('#applications tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.application === selected));
}

async function refresh() {
  try {
    const response = await fetch('api/state', AUTHORIZED);
    if (response.status === 401) throw new Error("not logged in: 'qonnect console' prints a link to open");
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const state = await response.json();
    document.getElementById('source').textContent = `lead agent ${state.leadAgent} · leader ${state.leader || 'none'} · term ${number(state.term)}`
      + ` · log index ${number(state.appliedIndex)}`;
    renderClusters(state);
    renderApplications(state.applications || []);
    if (changed('events', state.events)) document.getElementById('events').replaceChildren(...(state.events || []).slice().reverse().map(eventItem));
    if (selected) await refreshDetails();
    lastOk = Date.now();
  } catch (error) {
    document.getElementById('source').textContent = 'cannot reach this lead agent: ' + error.message;
  }
  const freshness = document.getElementById('freshness');
  freshness.textContent = lastOk ? 'updated ' + clock(lastOk) : '';
  freshness.classList.toggle('stale', Date.now() - lastOk > 5000);
}

// ---- drill reports: JSON files the drills wrote (./qonnect drill …, results/), read in the browser, drawn as timelines:
// injected (0 s) → detected (●) → committed (◆) → recovered (the bar's end); ✕ not recovered

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function drillTimeline(reports) {
  const intervals = (r) => r.intervalsSeconds || {};
  const longest = Math.max(1, ...reports.flatMap((r) => ['detected', 'committed', 'recovered'].map((k) => number(intervals(r)[k]))));
  const scale = Math.ceil(longest / 5) * 5;
  const left = 260, width = 560, row = 18, top = 24;
  const x = (seconds) => left + width * seconds / scale;
  const svg = svgEl('svg', {width: left + width + 20, height: top + reports.length * row + 30, class: 'timeline'});
  for (let s = 0; s <= scale; s += Math.max(1, scale / 10)) {
    svg.append(svgEl('line', {x1: x(s), y1: top - 8, x2: x(s), y2: top + reports.length * row, stroke: '#dee2e6'}));
    svg.append(svgEl('text', {x: x(s), y: top + reports.length * row + 14, 'text-anchor': 'middle'}, s + ' s'));
  }
  reports.forEach((r, i) => {
    const y = top + i * row;
    const group = svgEl('g', {'data-drill': r.drill || '', 'data-outcome': r.outcome || ''});
    group.append(svgEl('text', {x: 8, y: y + 4}, `${r.drill || '?'} ${(r.args || []).join(' ')} — ${r.outcome || ''}`));
    const v = intervals(r);
    if (v.recovered != null) group.append(svgEl('rect', {x: x(0), y: y - 4, width: x(number(v.recovered)) - x(0), height: 8, fill: '#a5d8ff'}));
    else group.append(svgEl('text', {x: x(0) + 4, y: y + 4, fill: '#c92a2a'}, '✕ not recovered'));
    if (v.detected != null) group.append(svgEl('circle', {cx: x(number(v.detected)), cy: y, r: 4, fill: '#1c7ed6'}));
    if (v.committed != null) {
      const cx = x(number(v.committed));
      group.append(svgEl('path', {d: `M ${cx} ${y - 5} L ${cx + 5} ${y} L ${cx} ${y + 5} L ${cx - 5} ${y} Z`, fill: '#5f3dc4'}));
    }
    const title = svgEl('title', {}, (r.timeline || []).map((e) => `${number(e.seconds).toFixed(2)} s  ${e.event}`).join('\n'));
    group.append(title);
    svg.append(group);
  });
  return svg;
}

async function showDrills(files) {
  const reports = [];
  const problems = [];
  for (const file of files) {
    try {
      const report = JSON.parse(await file.text());
      if (!report || typeof report.drill !== 'string') throw new Error('not a drill report (no "drill")');
      reports.push(report);
    } catch (error) {
      problems.push(`${file.name}: ${error.message}`);
    }
  }
  reports.sort((a, b) => number(a.startedUnixMillis) - number(b.startedUnixMillis));
  const out = document.getElementById('drill-timeline');
  out.replaceChildren(...(reports.length ? [drillTimeline(reports)] : []), ...problems.map((p) => el('div', {class: 'meta'}, p)));
}

document.getElementById('drill-files').addEventListener('change', (event) => showDrills([...event.target.files]));

refresh();
setInterval(refresh, 1000);
