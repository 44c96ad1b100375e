extension BrowserPage {
    /// What the page shows and how it answers typing, pointing and its buttons.
    static let viewScript = #"""
// The page: the text box, the heat map of ponder and surprise, the details of a character, the summary,
// the sampler and the TSV. Nothing is fetched: the settings and weights are in the page itself.

/// Characters of UTF-8 as ponder-map groups them (Views/UTF8Grouping.swift): one byte for ASCII, two to
/// four for a valid sequence (RFC 3629: no overlong forms, surrogates or values above U+10FFFF), and a
/// character of its own for every byte that is not part of one. Returns [start, length, valid] each.
function utf8Groups(bytes) {
  const groups = [], n = bytes.length;
  const lengthOf = (lead) => lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
    : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  const continues = (lead, k, b) => {
    if (k > 1) return b >= 0x80 && b <= 0xbf;
    switch (lead) {
      case 0xe0: return b >= 0xa0 && b <= 0xbf;
      case 0xed: return b >= 0x80 && b <= 0x9f;
      case 0xf0: return b >= 0x90 && b <= 0xbf;
      case 0xf4: return b >= 0x80 && b <= 0x8f;
      default: return b >= 0x80 && b <= 0xbf;
    }
  };
  for (let t = 0; t < n;) {
    const length = lengthOf(bytes[t]);
    if (length <= 1) { groups.push([t, 1, length === 1]); t++; continue; }
    let k = 1;
    while (k < length && t + k < n && continues(bytes[t], k, bytes[t + k])) k++;
    if (k === length) groups.push([t, length, true]);
    else for (let i = 0; i < k; i++) groups.push([t + i, 1, false]);
    t += k;
  }
  return groups;
}

/// The code point of a valid group.
function codePoint(bytes, start, length) {
  if (length === 1) return bytes[start];
  let value = bytes[start] & [0, 0, 0x1f, 0x0f, 0x07][length];
  for (let k = 1; k < length; k++) value = (value << 6) | (bytes[start + k] & 0x3f);
  return value;
}

const escapeHTML = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/// What a character cell shows: the character, or a visible stand-in for one that is not.
function glyph(bytes, start, length, valid) {
  if (!valid) return "\ufffd";
  const c = codePoint(bytes, start, length);
  if (c === 0x0a) return "↵";
  if (c === 0x0d) return "␍";
  if (c === 0x09) return "⇥";
  if (c < 0x20) return String.fromCodePoint(0x2400 + c);
  if (c === 0x7f) return "␡";
  return escapeHTML(String.fromCodePoint(c));
}

/// A byte for the list of likely next characters.
function byteLabel(b) {
  if (b === 0x20) return "␣";
  if (b === 0x0a) return "↵";
  if (b === 0x09) return "⇥";
  if (b >= 0x21 && b <= 0x7e) return escapeHTML(String.fromCharCode(b));
  return "0x" + b.toString(16).toUpperCase().padStart(2, "0") + (b >= 0xc2 && b <= 0xf4 ? "…" : "");
}

/// ponder-map's colour scale (Views/PonderColorScale.swift): a range cut into `levels` steps, each a CSS
/// class h0 … h15 of the same colours.
class ColorScale {
  constructor(lower, upper) {
    this.lower = Number.isFinite(lower) ? lower : 0;
    const top = Number.isFinite(upper) ? upper : this.lower + 1;
    this.upper = top > this.lower ? top : this.lower + 1;
  }

  /// From the smallest value to the 99th percentile, rounded outward to quarters.
  static fitting(values) {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    if (!sorted.length) return new ColorScale(1, 2);
    const f = Math.fround, high = sorted[Math.floor(f(f(sorted.length - 1) * f(0.99)))];
    return new ColorScale(Math.floor(sorted[0] * 4) / 4, Math.ceil(high * 4) / 4);
  }

  level(value) {
    if (!Number.isFinite(value)) return value > 0 ? levels - 1 : 0;
    const fraction = Math.min(Math.max((value - this.lower) / (this.upper - this.lower), 0), 1);
    return Math.min(Math.floor(fraction * levels), levels - 1);
  }

  legend(label) {
    let ramp = "";
    for (let k = 0; k < levels; k++) ramp += `<i class="h${k}" title="${fixed(this.lower + (this.upper - this.lower) * (k + 0.5) / levels, 2)}"></i>`;
    return `<span>${label}</span><span class="tick">${fixed(this.lower, 2)}</span><span class="ramp">${ramp}</span>`
      + `<span class="tick">${fixed(this.upper, 2)}</span>`;
  }
}

const settings = JSON.parse(document.getElementById("model-settings").textContent);
const levels = settings.levels;
const $ = (id) => document.getElementById(id);

class Page {
  constructor() {
    const query = new URLSearchParams(location.search);
    const base64 = document.getElementById("model-weights").textContent.replace(/\s+/g, "");
    const binary = atob(base64), weights = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) weights[i] = binary.charCodeAt(i);
    this.model = new Model(settings, weights, query.get("kernel"));
    this.scorer = new Scorer(this.model);
    this.L = settings.layers;
    this.encoder = new TextEncoder();
    this.generation = 0;
    this.sampling = false;
    this.sample = [];

    $("model-name").textContent = settings.description;
    $("about").innerHTML = escapeHTML(settings.about) + ` Forward pass: ${this.model.kernels.kind}.`;
    const choices = [["sum", "ρ summed over layers"]].concat(
      Array.from({ length: this.L }, (_, l) => ["" + l, `ρ of layer ${l + 1}`]), [["bits", "bits of surprise"]]);
    $("colour-by").innerHTML = choices.map(([v, label]) => `<option value="${v}">${label}</option>`).join("");
    $("colour-by").addEventListener("change", () => this.render());
    $("text").addEventListener("input", () => this.textChanged());
    $("map").addEventListener("mouseover", (e) => this.show(e.target.closest(".c")));
    $("map").addEventListener("click", (e) => this.show(e.target.closest(".c")));
    $("tsv-button").addEventListener("click", () => this.downloadTSV());
    $("sample-button").addEventListener("click", () => this.startSample());
    $("sample-append").addEventListener("click", () => this.appendSample());

    // ?text= opens with that text, scored before the page finishes loading (for --dump-dom); &then=
    // replaces it as typing would (read again from the first changed byte); &show=T shows the details of
    // the character at byte T; &sample=N&seed=S&temperature=T continues the text.
    const text = query.has("text") ? query.get("text") : settings.excerpt;
    $("text").value = text;
    this.scorer.setText(this.encoder.encode(text));
    this.scoreNow();
    if (query.has("then")) {
      $("text").value = query.get("then");
      this.scorer.setText(this.encoder.encode(query.get("then")));
      this.scoreNow();
    }
    if (query.has("show")) this.show(this.cellAt(+query.get("show")));
    if (query.has("sample")) {
      $("sample-length").value = query.get("sample");
      if (query.has("seed")) $("sample-seed").value = query.get("seed");
      if (query.has("temperature")) $("sample-temperature").value = query.get("temperature");
      this.runSample(Infinity);
    }
  }

  // MARK: Scoring

  /// Scores everything now (at load, and before sampling).
  scoreNow() {
    const start = performance.now(), from = this.scorer.done;
    this.scorer.work();
    this.timed(this.scorer.text.length - from, performance.now() - start);
    this.render();
  }

  textChanged() {
    if (this.sampling) return;
    this.scorer.setText(this.encoder.encode($("text").value));
    const generation = ++this.generation, from = this.scorer.done;
    let spent = 0;
    const step = () => {
      if (generation !== this.generation) return;
      const start = performance.now();
      const finished = this.scorer.work(start + 30);
      spent += performance.now() - start;
      if (finished) {
        this.timed(this.scorer.text.length - from, spent);
        this.render();
      } else {
        $("summary").innerHTML = `scoring… ${Math.floor(100 * this.scorer.done / this.scorer.text.length)}%`;
        setTimeout(step, 0);
      }
    };
    setTimeout(step, 0);
  }

  timed(bytes, milliseconds) {
    if (bytes > 0 && milliseconds > 0) this.speed = { bytes, seconds: milliseconds / 1000 };
  }

  // MARK: Showing a scored text

  render() {
    const s = this.scorer, L = this.L, bytes = s.text, n = bytes.length;
    this.groups = utf8Groups(bytes);
    const value = (t, l) => s.rho[t * L + l];
    const sum = (t) => { let r = 0; for (let l = 0; l < L; l++) r += value(t, l); return r; };
    const fitted = Math.min(n, 4096);   // ponder-map fits its colours to the text's first 4,096 bytes
    const perLayer = [];
    for (let t = 0; t < fitted; t++) for (let l = 0; l < L; l++) perLayer.push(value(t, l));
    const scales = {
      sum: ColorScale.fitting(Array.from({ length: fitted }, (_, t) => sum(t))),
      layer: ColorScale.fitting(perLayer),
      bits: (() => { const b = ColorScale.fitting(Array.from(s.bits.subarray(1, fitted))); return new ColorScale(0, b.upper); })(),
    };
    const choice = $("colour-by").value;
    const shown = choice === "sum" ? scales.sum : choice === "bits" ? scales.bits : scales.layer;
    const label = $("colour-by").selectedOptions[0].textContent;
    $("legend").innerHTML = shown.legend(label) + `<span class="hint">little → much</span>`
      + `<span class="strips">under each character: ρ of ${L === 1 ? "the layer" : "layers 1 to " + L} `
      + `(${fixed(scales.layer.lower, 2)}–${fixed(scales.layer.upper, 2)}), then bits (0–${fixed(scales.bits.upper, 2)})</span>`;

    // One cell per character: the character on its colour, then a strip per layer and one of bits. A
    // character of several bytes shows the most ρ of its bytes (as ponder-map) and the sum of their bits.
    // A word stays on one line, unless it is too long for a phone's.
    let html = "", word = "", letters = 0;
    const flush = () => { html += letters <= 24 ? `<span class="w">${word}</span>` : word; word = ""; letters = 0; };
    this.groups.forEach(([start, length, valid], g) => {
      const end = start + length;
      const most = (f) => { let m = -Infinity; for (let t = start; t < end; t++) m = Math.max(m, f(t)); return m; };
      let bits = 0;
      for (let t = start; t < end; t++) bits += s.bits[t];
      const colour = choice === "sum" ? most(sum) : choice === "bits" ? bits : most((t) => value(t, +choice));
      let cell = `<span class="c" data-g="${g}"><b class="${Number.isFinite(colour) ? "h" + shown.level(colour) : "none"}">`
        + `${glyph(bytes, start, length, valid)}</b>`;
      for (let l = 0; l < L; l++) cell += `<i class="h${scales.layer.level(most((t) => value(t, l)))}"></i>`;
      cell += `<i class="${Number.isFinite(bits) ? "h" + scales.bits.level(bits) : "none"}"></i></span>`;
      const b = bytes[start];
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) {
        if (letters) flush();
        html += cell + (b === 0x0a ? "<br/>" : "");
      } else {
        word += cell;
        letters++;
      }
    });
    if (letters) flush();
    $("map").innerHTML = html;
    this.renderSummary();
    $("ponder-tsv").textContent = s.tsv();
    $("near-threshold").textContent = "offset\tlayer\tstep\tsum\n" + s.near.map((r) => r.join("\t") + "\n").join("");
  }

  renderSummary() {
    const s = this.scorer, n = s.text.length, L = this.L, parts = [];
    const bpc = s.bitsPerCharacter;
    parts.push(`<b>${n.toLocaleString("en")}</b> bytes`);
    parts.push(`<span id="bpc" data-value="${bpc}"><b>${Number.isFinite(bpc) ? fixed(bpc, 3) : "–"}</b> bits per character</span>`);
    parts.push("mean ρ " + Array.from({ length: L }, (_, l) => `<b>${n ? fixed(s.meanRho(l), 2) : "–"}</b>`).join(" / "));
    const aucs = Array.from({ length: L }, (_, l) => s.boundaryAUC(l));
    if (n >= Page.aucBytes && aucs.every((a) => a !== null)) {
      parts.push(`<span id="auc" data-value="${aucs.join(",")}">word boundaries by ρ: AUC `
        + aucs.map((a) => `<b>${fixed(a, 3)}</b>`).join(" / ") + "</span>");
    } else {
      parts.push(`<span class="quiet">word-boundary AUC from ${Page.aucBytes} bytes</span>`);
    }
    if (this.speed) {
      const rate = this.speed.bytes / this.speed.seconds;
      parts.push(`<span class="quiet" id="speed" data-bytes="${this.speed.bytes}" data-bytes-per-second="${rate.toFixed(0)}">last scored `
        + `${this.speed.bytes.toLocaleString("en")} bytes at ${Math.round(rate).toLocaleString("en")} bytes/s</span>`);
    }
    $("summary").innerHTML = parts.join(" · ");
  }

  /// The cell of the character that byte t belongs to.
  cellAt(t) {
    const g = this.groups.findIndex(([start, length]) => t < start + length);
    return g < 0 ? null : document.querySelector(`.c[data-g="${g}"]`);
  }

  /// The numbers of the character under the pointer or finger.
  show(cell) {
    if (!cell || this.sampling) return;
    const [start, length, valid] = this.groups[+cell.dataset.g], s = this.scorer, L = this.L, bytes = s.text;
    let html = `<span class="big">${glyph(bytes, start, length, valid)}</span> `;
    if (valid && length > 1) html += `U+${codePoint(bytes, start, length).toString(16).toUpperCase().padStart(4, "0")} `;
    html += "<table><tr><th>offset</th><th>byte</th><th>bits</th>"
      + Array.from({ length: L }, (_, l) => `<th>ρ ${l + 1}</th>`).join("")
      + Array.from({ length: L }, (_, l) => `<th>N ${l + 1}</th>`).join("") + "</tr>";
    for (let t = start; t < start + length; t++) {
      html += `<tr><td>${t}</td><td>0x${bytes[t].toString(16).toUpperCase().padStart(2, "0")}</td>`
        + `<td>${Number.isFinite(s.bits[t]) ? fixed(s.bits[t], 2) : "— (first)"}</td>`
        + Array.from({ length: L }, (_, l) => `<td>${fixed(s.rho[t * L + l], 2)}</td>`).join("")
        + Array.from({ length: L }, (_, l) => `<td>${s.steps[t * L + l]}</td>`).join("") + "</tr>";
    }
    const last = start + length - 1;
    html += "</table><div>next: " + Array.from({ length: 5 }, (_, k) =>
      `<span class="guess"><b>${byteLabel(s.top[last * 5 + k])}</b> ${(100 * s.topP[last * 5 + k]).toFixed(1)}%</span>`).join(" ")
      + "</div>";
    $("details").innerHTML = html;
    for (const c of document.querySelectorAll(".c.on")) c.classList.remove("on");
    cell.classList.add("on");
  }

  downloadTSV() {
    const pre = $("ponder-tsv");
    pre.hidden = !pre.hidden;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([pre.textContent], { type: "text/tab-separated-values" }));
    link.download = "ponder-map.tsv";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // MARK: Sampling

  startSample() {
    if (this.sampling) return;
    if (!this.scorer.finished) this.scoreNow();
    this.runSample(30);
  }

  /// Generates in slices of `slice` milliseconds, showing the text as it grows.
  runSample(slice) {
    const length = Math.max(1, Math.min(100000, Math.floor(+$("sample-length").value || 300)));
    const given = parseFloat($("sample-temperature").value);
    const temperature = Number.isFinite(given) ? Math.max(0, given) : 1;
    if (!(Math.floor(+$("sample-seed").value) >= 0)) $("sample-seed").value = Math.floor(Math.random() * 1000000);
    const generator = new Generator(this.scorer, temperature, Math.floor(+$("sample-seed").value));
    this.sampling = true;
    this.sample = [];
    $("text").readOnly = true;
    $("sample-button").disabled = true;
    const step = () => {
      const end = performance.now() + slice;
      while (this.sample.length < length && performance.now() <= end) this.sample.push(generator.next());
      this.renderSample();
      if (this.sample.length < length) return setTimeout(step, 0);
      generator.finish();
      this.sampling = false;
      $("text").readOnly = false;
      $("sample-button").disabled = false;
      $("sample-append").disabled = false;
    };
    step();
  }

  renderSample() {
    const L = this.L, scale = new ColorScale(L, L * Math.min(settings.max_ponder + 1, 3));
    const bytes = Uint8Array.from(this.sample, (r) => r.byte);
    let html = "";
    for (const [start, length, valid] of utf8Groups(bytes)) {
      let most = -Infinity;
      for (let t = start; t < start + length; t++) most = Math.max(most, this.sample[t].rho.reduce((a, b) => a + b, 0));
      html += `<span class="c"><b class="h${scale.level(most)}">${glyph(bytes, start, length, valid)}</b></span>`
        + (bytes[start] === 0x0a ? "<br/>" : "");
    }
    $("sample-output").innerHTML = html + `<pre id="sample-bytes" hidden="hidden">`
      + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") + "</pre>";
  }

  appendSample() {
    const bytes = Uint8Array.from(this.sample, (r) => r.byte);
    $("text").value += new TextDecoder().decode(bytes);
    $("sample-append").disabled = true;
    this.textChanged();
  }
}
Page.aucBytes = 200;

new Page();
"""#
}
