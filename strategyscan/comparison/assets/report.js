// strategyscan report: draws every table and chart from the JSON embedded in the page.
// No network, no libraries: sorting, filtering, evidence on click, rankings and timelines in SVG.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const cats = D.categories.map(c => c.name);
  const title = Object.fromEntries(D.categories.map(c => [c.name, c.title]));
  const $ = id => document.getElementById(id);
  const pct = v => (v === null || v === undefined) ? "–" : (100 * v).toFixed(1) + " %";
  const esc = s => String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g,
    ch => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[ch]));
  // Markup only comes from html`...`: every value put into it is escaped (text and attributes alike)
  // unless it is itself html`...` or a list of those, so no string from the data can become markup.
  class Markup { constructor(text) { this.text = text; } }
  const part = v => v instanceof Markup ? v.text : Array.isArray(v) ? v.map(part).join("") : esc(v);
  const html = (strings, ...values) => new Markup(strings.reduce((out, s, i) => out + part(values[i - 1]) + s));
  const show = (node, ...markup) => { node.innerHTML = part(markup.filter(m => m !== null)); };  // null: nothing
  const svgNS = "http://www.w3.org/2000/svg";
  const el = (name, attrs, text) => {
    const e = document.createElementNS(svgNS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  // the share a reader cites: adjusted where the model has an error record, else raw
  const shown = c => c.share_adj !== null && c.share_adj !== undefined
    ? {v: c.share_adj, lo: c.share_adj_lo, hi: c.share_adj_hi, adj: true}
    : {v: c.share, lo: c.share_lo, hi: c.share_hi, adj: false};
  const state = {sort: "passages", desc: true, q: "", lang: "", min: D.min_passages};

  function colour(emphasis) {
    if (emphasis === null || emphasis === undefined || !isFinite(emphasis) || emphasis <= 0) return "#f7f7f7";
    const t = Math.max(-2, Math.min(2, Math.log2(emphasis))) / 2;  // -1 .. 1
    const mix = (a, b, f) => Math.round(a + (b - a) * f);
    const [r, g, b] = t >= 0 ? [mix(255, 200, t), mix(255, 60, t), mix(255, 50, t)]
                             : [mix(255, 50, -t), mix(255, 110, -t), mix(255, 200, -t)];
    return `rgb(${r},${g},${b})`;
  }

  function visible() {
    const q = state.q.toLowerCase();
    return D.groups.filter(g => (!q || g.group.toLowerCase().includes(q))
      && (!state.lang || (g.languages || "").split(",").includes(state.lang)));
  }

  function sortKey(g) {
    if (state.sort === "group") return g.group;
    if (state.sort === "passages" || state.sort === "documents") return g[state.sort];
    const c = g.cells[state.sort];
    return c ? shown(c).v : null;
  }

  function drawHeat() {
    const rows = visible();
    rows.sort((a, b) => {
      const x = sortKey(a), y = sortKey(b);
      if (x === y) return a.group.localeCompare(b.group);
      if (x === null) return 1;
      if (y === null) return -1;
      const o = typeof x === "string" ? x.localeCompare(y) : x - y;
      return state.desc ? -o : o;
    });
    const head = ["group", "languages", "documents", "passages", ...cats];
    const th = head.map(h => html`<th data-key="${h}" class="${h === "languages" ? "nosort" : ""}">${title[h] || h}${
      state.sort === h ? (state.desc ? " ▼" : " ▲") : ""}</th>`);
    const body = rows.map(g => [
      html`<tr><td>${g.group}${g.passages < state.min ? " †" : ""}</td><td>${g.languages}</td>`,
      html`<td class="num">${g.documents}</td><td class="num">${g.passages}</td>`, cats.map(c => heatCell(g, c)),
      html`</tr>`]);
    show($("heat"), html`<thead><tr>${th}</tr></thead><tbody>${body}</tbody>`);
    const below = rows.filter(g => g.passages < state.min);
    $("heatcount").textContent = `${rows.length} groups shown, ${rows.length - below.length} with at least `
      + `${state.min} counted passages`;
    $("below").textContent = below.length ? `† Below ${state.min} counted passages, so not ranked (shares too thin `
      + `to compare): ` + below.map(g => `${g.group} (${g.passages})`).join(", ") : "";
  }

  function heatCell(g, c) {
    const cell = g.cells[c], s = shown(cell);
    const tip = `${g.group}, ${title[c]}: ${s.adj ? "adjusted" : "raw"} ${pct(s.v)} (95 %: ${pct(s.lo)} to `
      + `${pct(s.hi)}); raw ${pct(cell.share)} = ${cell.passages} of ${g.passages} passages; rank ${cell.rank ?? "–"}`
      + ` (${cell.rank_lo ?? "–"}-${cell.rank_hi ?? "–"}); emphasis ${cell.emphasis_adj ?? cell.emphasis ?? "–"}`;
    return [html`<td class="cell${g.passages < state.min ? " thin" : ""}" data-group="${g.group}" data-cat="${c}" `,
      html`title="${tip}" style="background:${colour(cell.emphasis_adj ?? cell.emphasis)}">`,
      html`${pct(s.v)}<small>${cell.passages}/${g.passages}</small></td>`];
  }

  function drawRanking() {
    const cat = $("rankcat").value;
    const rows = D.groups.filter(g => g.passages >= state.min && g.cells[cat] && shown(g.cells[cat]).v !== null)
      .sort((a, b) => shown(b.cells[cat]).v - shown(a.cells[cat]).v);
    const svg = $("ranking");
    svg.replaceChildren();
    const left = 190, width = 820, rowH = 16, top = 24;
    const max = Math.max(0.05, ...rows.map(g => shown(g.cells[cat]).hi || 0));
    const x = v => left + (width - left - 20) * (v / max);
    svg.setAttribute("viewBox", `0 0 ${width} ${top + rowH * rows.length + 30}`);
    svg.setAttribute("height", top + rowH * rows.length + 30);
    for (let t = 0; t <= 4; t++) {
      const v = max * t / 4;
      svg.append(el("line", {x1: x(v), x2: x(v), y1: top - 6, y2: top + rowH * rows.length, stroke: "#eee"}));
      svg.append(el("text", {x: x(v), y: top - 10, "text-anchor": "middle"}, (100 * v).toFixed(0) + " %"));
    }
    rows.forEach((g, i) => {
      const c = g.cells[cat], s = shown(c), y = top + rowH * i + rowH / 2;
      const tied = c.p_above_next !== null && c.p_above_next !== undefined && c.p_above_next < 0.9;
      const row = el("g", {class: "rank", "data-group": g.group});
      row.append(el("text", {x: left - 8, y: y + 4, "text-anchor": "end"},
        `${c.rank ?? i + 1}. ${g.group}`));
      row.append(el("line", {x1: x(s.lo ?? s.v), x2: x(s.hi ?? s.v), y1: y, y2: y, stroke: "#8fb3d9", "stroke-width": 3}));
      row.append(el("circle", {cx: x(s.v), cy: y, r: 4, fill: tied ? "#999" : "#1f4e79"}));
      row.append(el("title", {}, `${g.group}: ${pct(s.v)} (95 %: ${pct(s.lo)} to ${pct(s.hi)}), ${g.passages} passages, `
        + `rank range ${c.rank_lo ?? "–"}-${c.rank_hi ?? "–"}` + (tied ? "; not separable from the next (p above next "
        + c.p_above_next + ")" : "")));
      row.addEventListener("click", () => showEvidence(g.group, cat));
      svg.append(row);
    });
  }

  function drawTimelines() {
    const box = $("timelines");
    if (!D.changes.length) { show(box, html`<p class='muted'>No country has two strategies of known year.</p>`); return; }
    const byCountry = {};
    for (const c of D.changes) (byCountry[c.country] = byCountry[c.country] || []).push(c);
    const colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
    box.replaceChildren();
    for (const [country, rows] of Object.entries(byCountry).sort()) {
      const svg = el("svg", {width: 260, height: 150, viewBox: "0 0 260 150", class: "timeline"});
      svg.append(el("text", {x: 130, y: 14, "text-anchor": "middle", "font-weight": "bold"}, country));
      const years = [...new Set(rows.flatMap(r => [r.from_year, r.to_year]))].sort();
      const y0 = years[0], y1 = years[years.length - 1] === y0 ? y0 + 1 : years[years.length - 1];
      const top = Math.max(0.05, ...rows.map(r => Math.max(r.from_share_adj || 0, r.to_share_adj || 0)));
      const X = y => 30 + 210 * (y - y0) / (y1 - y0), Y = v => 130 - 105 * (v / top);
      svg.append(el("text", {x: 28, y: Y(top) + 4, "text-anchor": "end"}, (100 * top).toFixed(0) + "%"));
      years.forEach(y => svg.append(el("text", {x: X(y), y: 145, "text-anchor": "middle"}, y)));
      cats.forEach((cat, k) => {
        const steps = rows.filter(r => r.category === cat).sort((a, b) => a.from_year - b.from_year);
        if (!steps.length) return;
        const pts = [[steps[0].from_year, steps[0].from_share_adj], ...steps.map(s => [s.to_year, s.to_share_adj])];
        svg.append(el("polyline", {points: pts.map(([a, b]) => `${X(a)},${Y(b || 0)}`).join(" "), fill: "none",
          stroke: colours[k % colours.length], "stroke-width": 2}));
        const last = steps[steps.length - 1];
        const t = el("title", {}, `${title[cat]}: ${pct(last.from_share_adj)} (${last.from_year}) to ${pct(last.to_share_adj)}`
          + ` (${last.to_year}), change ${pct(last.change)} (95 %: ${pct(last.change_lo)} to ${pct(last.change_hi)})`);
        const dot = el("circle", {cx: X(last.to_year), cy: Y(last.to_share_adj || 0), r: 3, fill: colours[k % colours.length]});
        dot.append(t);
        svg.append(dot);
      });
      box.append(svg);
    }
    show($("timelegend"), cats.map((c, k) =>
      html`<span class="tag" style="background:${colours[k % colours.length]};color:#fff">${title[c]}</span> `));
  }

  function showEvidence(group, cat) {
    const g = D.groups.find(x => x.group === group);
    if (!g) return;
    const c = g.cells[cat], s = shown(c);
    const ev = D.evidence.filter(e => e.group === group && e.category === cat);
    const docs = D.documents.filter(d => d.group === group);
    $("panel").className = "open";
    show($("panel"), html`<h3>${group}: ${title[cat]}</h3>`,
      html`<p>${s.adj ? "Adjusted" : "Raw"} share ${pct(s.v)} (95 %: ${pct(s.lo)} to ${pct(s.hi)}); raw ${pct(c.share)}: `,
      html`${c.passages} of ${g.passages} counted passages in ${g.documents} document(s); languages ${g.languages}.`,
      g.note ? html` <span class="muted">${g.note}</span>` : null, html`</p>`,
      docs.length > 1 ? [html`<table><tr><th class='nosort'>document</th><th class='nosort'>year</th>`,
        html`<th class='nosort'>passages</th><th class='nosort'>raw share</th></tr>`, docs.map(d =>
          html`<tr><td>${d.file}</td><td>${d.year ?? ""}</td><td class="num">${d.passages}</td><td class="num">${
            pct(d.shares[cat])}</td></tr>`), html`</table>`] : null,
      ev.length ? ev.map(e => html`<div class="ev">${e.text}<div class="src">p ${e.probability.toFixed(2)}${
          e.labelled ? "" : " (below threshold)"} · ${e.file}${e.page ? ", p. " + e.page : ""}</div></div>`)
        : html`<p class='muted'>No evidence passages.</p>`);
    $("panel").scrollIntoView({block: "nearest"});
  }

  function searchEvidence() {
    const q = $("evq").value.trim().toLowerCase();
    const found = new Map();  // one passage is evidence for several categories: show it once
    if (q.length >= 3) {
      for (const e of D.evidence) {
        if (!(e.text || "").toLowerCase().includes(q)) continue;
        const key = e.group + "\u0000" + e.file + "\u0000" + e.text;
        if (!found.has(key)) found.set(key, {...e, cats: []});
        found.get(key).cats.push(title[e.category]);
      }
    }
    const hits = [...found.values()].slice(0, 50);
    show($("evresults"), hits.map(e => html`<div class="ev"><span class="tag">${e.group} · ${e.cats.join(", ")}</span> ${
      e.text}<div class="src">${e.file}${e.page ? ", p. " + e.page : ""}</div></div>`),
      !hits.length && q.length >= 3 ? html`<p class='muted'>No evidence passage contains that.</p>` : null);
  }

  function init() {
    const langs = [...new Set(D.groups.flatMap(g => (g.languages || "").split(",")).filter(Boolean))].sort();
    show($("lang"), html`<option value="">all</option>`, langs.map(l => html`<option>${l}</option>`));
    show($("rankcat"), D.categories.map(c => html`<option value="${c.name}">${c.title}</option>`));
    $("minp").value = state.min;
    $("q").addEventListener("input", e => { state.q = e.target.value; drawHeat(); });
    $("lang").addEventListener("change", e => { state.lang = e.target.value; drawHeat(); });
    $("minp").addEventListener("change", e => { state.min = Math.max(0, parseInt(e.target.value, 10) || 0);
      drawHeat(); drawRanking(); });
    $("rankcat").addEventListener("change", drawRanking);
    $("evq").addEventListener("input", searchEvidence);
    $("heat").addEventListener("click", e => {
      const head = e.target.closest("th");
      if (head && head.dataset.key && head.dataset.key !== "languages") {
        state.desc = state.sort === head.dataset.key ? !state.desc : head.dataset.key !== "group";
        state.sort = head.dataset.key;
        drawHeat();
        return;
      }
      const cell = e.target.closest("td.cell");
      if (cell) showEvidence(cell.dataset.group, cell.dataset.cat);
    });
    drawHeat();
    drawRanking();
    drawTimelines();
  }
  init();
})();
