// The what-if page of `wijksim serve`: builds the lever controls from /api/levers, re-runs
// on every change (POST /api/run, the previous request aborted), and shows the headline
// table and the charts the server draws. Served by wijksim itself; loads nothing else.
'use strict';

const lang = document.documentElement.lang || 'en';
const page = { levers: [], values: {}, loaded: {}, texts: {}, timer: null, controller: null, runs: 0, last: null };

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// A lever value as its control shows it (shares as percentages, money in millions).
function shown(lever, v) {
  const c = lever.control;
  if (c.number) return +(v * c.number.display).toFixed(c.number.decimals + 2);
  return v;
}

// The value sent to the server: 12 significant digits, so that 2.3 (EUR mln) is sent as
// 2300000 and not as 2299999.9999999995.
function stored(lever, v) {
  const c = lever.control;
  if (c.number) return Number((v / c.number.display).toPrecision(12));
  return v;
}

function body() {
  return JSON.stringify({ lang, levers: page.values });
}

function markChanged() {
  for (const lever of page.levers) {
    const box = document.getElementById('lever-' + lever.key);
    box.classList.toggle('changed', page.values[lever.key] !== page.loaded[lever.key]);
  }
}

function setValue(lever, v) {
  page.values[lever.key] = v;
  markChanged();
  schedule(150);
}

function control(lever) {
  const box = el('div', { class: 'lever', id: 'lever-' + lever.key, 'data-path': lever.path });
  const id = 'input-' + lever.key;
  const label = el('label', { for: id }, lever.label + ' ');
  if (lever.unit) label.appendChild(el('span', { class: 'unit' }, '(' + lever.unit + ')'));
  box.appendChild(label);
  const row = el('div', { class: 'row' });
  const c = lever.control;
  if (c.number || c.year) {
    const spec = c.number || { min: c.year.min, max: c.year.max, step: 1, display: 1, decimals: 0 };
    const min = spec.min * spec.display, max = spec.max * spec.display, step = spec.step * spec.display;
    const range = el('input', { type: 'range', id, min, max, step: +step.toFixed(6) });
    const number = el('input', { type: 'number', min, max, step: +step.toFixed(6), 'aria-label': lever.label });
    range.value = number.value = shown(lever, lever.value);
    range.addEventListener('input', () => {
      number.value = range.value;
      setValue(lever, stored(lever, Number(range.value)));
    });
    number.addEventListener('change', () => {
      if (number.value === '') return;
      range.value = number.value;
      setValue(lever, stored(lever, Number(number.value)));
    });
    row.append(range, number);
  } else if (c === 'switch') {
    const box2 = el('input', { type: 'checkbox', id });
    box2.checked = lever.value;
    box2.addEventListener('change', () => setValue(lever, box2.checked));
    row.append(box2, el('span', {}, ''));
    const say = () => { row.lastChild.textContent = box2.checked ? page.texts.on : page.texts.off; };
    box2.addEventListener('change', say);
    say();
  } else if (c === 'choice') {
    const select = el('select', { id });
    for (const [value, text] of lever.options) {
      const o = el('option', { value }, text);
      if (value === lever.value) o.selected = true;
      select.appendChild(o);
    }
    select.addEventListener('change', () => setValue(lever, select.value));
    row.append(select);
  }
  box.appendChild(row);
  if (lever.note) box.appendChild(el('p', { class: 'note' }, lever.note));
  box.appendChild(el('p', { class: 'problem', id: 'problem-' + lever.key }));
  return box;
}

function setStatus(text, kind) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = kind || '';
}

function clearProblems() {
  for (const p of document.querySelectorAll('.problem')) p.textContent = '';
}

function showProblems(d) {
  clearProblems();
  const lines = [];
  for (const p of d.problems || []) {
    const box = document.getElementById('problem-' + p.lever);
    if (box) box.textContent = p.message;
    lines.push(p.lever + ': ' + p.message);
  }
  if (d.error) lines.push(d.error);
  setStatus(page.texts.failed + ' ' + lines.join('; '), 'error');
}

function showView(d) {
  const n = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB');
  const s = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  setStatus(`${n.format(d.draws)} ${page.texts.ran} ${s.format(d.seconds)} ${page.texts.seconds} (${page.texts.seed} ${d.seed})`);
  document.getElementById('changes').textContent = d.changes.length
    ? page.texts.changes + ' ' + d.changes.join('; ')
    : page.texts.no_changes;
  const table = document.getElementById('headline');
  table.replaceChildren();
  const head = el('tr');
  for (const c of d.headline.columns) head.appendChild(el('th', {}, c));
  table.appendChild(head);
  d.headline.rows.forEach((row, i) => {
    const tr = el('tr', { 'data-figure': d.headline.figures[i].key });
    for (const c of row) tr.appendChild(el('td', {}, c));
    table.appendChild(tr);
  });
  const charts = document.getElementById('charts');
  charts.replaceChildren();
  for (const c of d.charts) {
    const f = el('figure', { id: 'chart-' + c.stem });
    // The SVG is drawn by wijksim's own chart code on this server.
    f.innerHTML = c.svg.slice(c.svg.indexOf('<svg'));
    f.appendChild(el('figcaption', {}, c.title));
    charts.appendChild(f);
  }
}

function schedule(delay) {
  clearTimeout(page.timer);
  page.timer = setTimeout(run, delay);
}

async function run() {
  if (page.controller) page.controller.abort();
  const controller = new AbortController();
  page.controller = controller;
  const id = ++page.runs;
  document.body.dataset.state = 'running';
  setStatus(page.texts.running);
  try {
    const r = await fetch('/api/run', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(), signal: controller.signal,
    });
    const d = await r.json();
    if (id !== page.runs || r.status === 409) return; // a newer change took over
    if (!r.ok) {
      showProblems(d);
      document.body.dataset.state = 'invalid';
      return;
    }
    clearProblems();
    showView(d);
    page.last = d;
    document.body.dataset.run = String(id);
    document.body.dataset.state = 'done';
  } catch (e) {
    if (e.name === 'AbortError') return;
    setStatus(String(e), 'error');
    document.body.dataset.state = 'error';
  }
}

// A download of the current settings: the response as text and the file name it offers.
async function download(path) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body() });
  const text = await r.text();
  if (!r.ok) {
    let d;
    try { d = JSON.parse(text); } catch (_) { d = { error: text }; }
    showProblems(d);
    return null;
  }
  const m = /filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') || '');
  return { name: m ? m[1] : 'download', text, type: r.headers.get('Content-Type') || 'text/plain' };
}

async function save(path) {
  const f = await download(path);
  if (!f) return;
  const url = URL.createObjectURL(new Blob([f.text], { type: f.type }));
  const a = el('a', { href: url, download: f.name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function init() {
  const r = await fetch('/api/levers?lang=' + encodeURIComponent(lang));
  const d = await r.json();
  page.texts = d.texts;
  page.levers = d.levers;
  document.title = `wijksim: ${d.texts.title} ${d.scenario}`;
  document.getElementById('title').textContent = `${d.texts.title} ${d.scenario}`;
  document.getElementById('description').textContent = d.description;
  const other = document.getElementById('other-lang');
  other.textContent = d.texts.language;
  other.href = '/?lang=' + d.texts.other_lang;
  document.getElementById('levers-title').textContent = d.texts.levers;
  document.getElementById('same-draws').textContent = d.texts.same_draws;
  const list = document.getElementById('lever-list');
  for (const lever of d.levers) {
    page.values[lever.key] = lever.value;
    page.loaded[lever.key] = lever.value;
    list.appendChild(control(lever));
  }
  const reset = document.getElementById('reset');
  reset.textContent = d.texts.reset;
  reset.addEventListener('click', () => {
    list.replaceChildren();
    for (const lever of d.levers) {
      page.values[lever.key] = lever.value;
      list.appendChild(control(lever));
    }
    schedule(0);
  });
  const ds = document.getElementById('download-scenario');
  ds.textContent = d.texts.download_scenario;
  ds.addEventListener('click', () => save('/api/scenario'));
  const dr = document.getElementById('download-report');
  dr.textContent = d.texts.download_report;
  dr.addEventListener('click', () => save('/api/report'));
  schedule(0);
}

// For tests and scripts: what the download buttons would save.
window.wijksim = { page, download };

init().catch((e) => setStatus(String(e), 'error'));
