extension BrowserPage {
    /// The page's scorer: as `actlm eval` reads a text, incrementally as it changes; the word-boundary
    /// definition of the AUC (`boundaryLabel`), and the TSV.
    static let scorerScript = #"""
/// Whether byte `current`, read after `previous` (a newline before a text's first byte), is a word
/// boundary for the AUC of ρ: true, false, or null to leave the byte out. actlm's definition
/// (Ponder/CharacterClass.swift: a space or tab after text, punctuation, a sentence end or a newline;
/// letters, bytes ≥ 0x80, digits, markup and control bytes are not, nor a space or tab after a space,
/// tab or newline, which continues a gap already marked). Keep the two in step.
function boundaryLabel(previous, current) {
  const isLetter = (b) => ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a) || b >= 0x80;
  const isBlank = (b) => b === 0x20 || b === 0x09, isNewline = (b) => b === 0x0a || b === 0x0d;
  if (isLetter(current)) return false;
  if (isBlank(current)) return !(isBlank(previous) || isNewline(previous));
  if (isNewline(current)) return true;
  if (current >= 0x30 && current <= 0x39) return false;                    // digit
  if ("<>[]{}|=&#*/\\~^_@".includes(String.fromCharCode(current))) return false;   // markup
  return current >= 0x21 && current <= 0x7e;                               // punctuation, sentence end
}

// Scores a text as `actlm eval` and `actlm ponder-map` do, and again as it changes. The text is cut where
// the model's state resets (every state_reset bytes; never for 0): byte t of a text reads from a zero
// state when t is a multiple of state_reset, from the state the byte before left otherwise. The bits of
// byte t are its surprise, −log2 p(x_t | x_<t), from the prediction made after byte t − 1 (a segment's
// first byte is predicted from the end of the segment before); the text's first byte has none.
//
// After an edit only the bytes from the first changed one on are read again, from the snapshot of the
// state kept every `snapshotEvery` bytes at or before it.
class Scorer {
  static snapshotEvery = 64;

  constructor(model) {
    this.model = model;
    this.L = model.L;
    this.text = new Uint8Array(0);
    this.done = 0;                    // bytes whose results below are computed
    this.capacity = 0;
    this.grow(1024);
    this.snapshots = [];              // [t / snapshotEvery]: {state, logits, logProbabilities} before byte t
    this.logits = new Float32Array(256);              // the prediction after byte done − 1
    this.logProbabilities = new Float64Array(256);
    this.near = [];                   // [offset, layer, step, sum]
  }

  grow(capacity) {
    const keep = (Type, old, n) => { const a = new Type(n); if (old) a.set(old.subarray(0, Math.min(old.length, n))); return a; };
    const L = this.L;
    this.bits = keep(Float64Array, this.bits, capacity);          // [t] surprise of byte t; NaN for t = 0
    this.rho = keep(Float32Array, this.rho, capacity * L);        // [t·L + l]
    this.steps = keep(Uint16Array, this.steps, capacity * L);     // [t·L + l]
    this.top = keep(Uint8Array, this.top, capacity * 5);          // [t·5 + k] the 5 likeliest next bytes
    this.topP = keep(Float32Array, this.topP, capacity * 5);      //           and their probabilities
    this.capacity = capacity;
  }

  /// A new text: keeps what its unchanged start needs.
  setText(bytes) {
    let same = 0;
    const old = this.text, n = Math.min(old.length, bytes.length);
    while (same < n && old[same] === bytes[same]) same++;
    this.text = bytes;
    if (bytes.length > this.capacity) this.grow(Math.max(bytes.length, 2 * this.capacity));
    if (same < this.done) {
      const k = Math.floor(same / Scorer.snapshotEvery);
      const snapshot = this.snapshots[k];
      this.model.loadState(snapshot.state);
      this.logits.set(snapshot.logits);
      this.logProbabilities.set(snapshot.logProbabilities);
      this.done = k * Scorer.snapshotEvery;
      this.snapshots.length = k;
      while (this.near.length && this.near[this.near.length - 1][0] >= this.done) this.near.pop();
    }
  }

  get finished() { return this.done >= this.text.length; }

  /// Reads on until the text is scored or `deadline` (performance.now()) has passed; returns whether it
  /// is all scored.
  work(deadline = Infinity) {
    const model = this.model, L = this.L, text = this.text, reset = model.stateReset;
    while (this.done < text.length) {
      const t = this.done, x = text[t];
      if (t % Scorer.snapshotEvery === 0) {
        const state = new Float32Array(model.stateSize);
        model.saveState(state);
        this.snapshots[t / Scorer.snapshotEvery] = { state, logits: this.logits.slice(),
                                                     logProbabilities: this.logProbabilities.slice() };
      }
      if (t === 0 || (reset > 0 && t % reset === 0)) model.resetState();
      this.bits[t] = t === 0 ? NaN : -this.logProbabilities[x] / Math.LN2;
      model.read(x);
      for (let l = 0; l < L; l++) { this.rho[t * L + l] = model.rho[l]; this.steps[t * L + l] = model.steps[l]; }
      for (const [layer, step, sum] of model.near) this.near.push([t, layer, step, sum]);
      this.logProbabilities.set(model.logProbabilities);
      this.logits.set(model.F.subarray(model.logits, model.logits + 256));
      this.keepTopFive(t);
      this.done = t + 1;
      if ((t & 15) === 15 && performance.now() > deadline) break;
    }
    return this.finished;
  }

  keepTopFive(t) {
    const lp = this.logProbabilities, best = [];
    for (let v = 0; v < 256; v++) {
      if (best.length === 5 && lp[v] <= lp[best[4]]) continue;
      let k = best.length < 5 ? best.length : 4;
      best[k] = v;
      while (k > 0 && lp[best[k]] > lp[best[k - 1]]) { [best[k], best[k - 1]] = [best[k - 1], best[k]]; k--; }
    }
    for (let k = 0; k < 5; k++) { this.top[t * 5 + k] = best[k]; this.topP[t * 5 + k] = Math.exp(lp[best[k]]); }
  }

  // MARK: What the page shows of a scored text

  /// Bits per character over the predicted bytes (every byte but the first), as `actlm eval`.
  get bitsPerCharacter() {
    const n = this.text.length;
    if (n < 2) return NaN;
    let sum = 0;
    for (let t = 1; t < n; t++) sum += this.bits[t];
    return sum / (n - 1);
  }

  /// Mean ρ of layer l over every byte read.
  meanRho(l) {
    const n = this.text.length;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += this.rho[t * this.L + l];
    return n ? sum / n : NaN;
  }

  /// The ROC AUC of layer l's ρ as a detector of word boundaries (boundaryLabel), over the bytes actlm
  /// measures: all but the text's first and last (whose own surprise or next-step loss is unknown).
  boundaryAUC(l) {
    const scores = [], labels = [];
    for (let t = 1; t + 1 < this.text.length; t++) {
      const label = boundaryLabel(this.text[t - 1], this.text[t]);
      if (label === null) continue;
      scores.push(this.rho[t * this.L + l]);
      labels.push(label);
    }
    return rocAUC(scores, labels);
  }

  /// `actlm ponder-map --format tsv` of the text.
  tsv() {
    const L = this.L, n = this.text.length, lines = [tsvHeader(L)];
    for (let t = 0; t < n; t++) {
      const cells = [t, this.text[t], escapedByte(this.text[t]), Number.isFinite(this.bits[t]) ? fixed(this.bits[t], 4) : ""];
      for (let l = 0; l < L; l++) cells.push(fixed(this.rho[t * L + l], 4));
      for (let l = 0; l < L; l++) cells.push(this.steps[t * L + l]);
      lines.push(cells.join("\t"));
    }
    return lines.join("\n") + "\n";
  }
}

const tsvHeader = (L) => ["offset", "byte", "char", "bits"].concat(
  Array.from({ length: L }, (_, l) => "rho_" + (l + 1)), Array.from({ length: L }, (_, l) => "n_" + (l + 1))).join("\t");

/// `x` with `decimals` decimals, rounded half away from zero, as actlm prints ρ and bits.
function fixed(x, decimals) {
  const scale = 10 ** decimals, scaled = Math.round(Math.abs(x) * scale);
  const digits = String(scaled % scale).padStart(decimals, "0");
  return (x < 0 && scaled !== 0 ? "-" : "") + Math.floor(scaled / scale) + (decimals ? "." + digits : "");
}

/// A byte as ponder-map's `char` column shows it.
function escapedByte(b) {
  const named = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r", 0x5c: "\\\\" };
  if (named[b]) return named[b];
  return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : "\\x" + b.toString(16).padStart(2, "0");
}

/// The probability that a random positive scores above a random negative, ties counting half; null
/// when either class is empty (as actlm's ROCAUC).
function rocAUC(scores, labels) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  for (const label of labels) if (label) positives++;
  const negatives = labels.length - positives;
  if (!positives || !negatives) return null;
  let twiceU = 0, negativesBelow = 0;
  for (let i = 0; i < order.length;) {
    let p = 0, q = 0;
    const score = scores[order[i]];
    for (; i < order.length && scores[order[i]] === score; i++) labels[order[i]] ? p++ : q++;
    twiceU += 2 * p * negativesBelow + p * q;
    negativesBelow += q;
  }
  return twiceU / (2 * positives * negatives);
}
"""#
}
