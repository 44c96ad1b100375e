extension BrowserPage {
    /// The page's forward pass of the ACT-LSTM.
    static let modelScript = #"""
// The ACT-LSTM forward pass, written from the equations (docs/act-lstm.md; Graves 2016, section 2) for this
// page: a third implementation beside actlm's and the NumPy reference. Values live in one Float32Array
// over WebAssembly memory, so they round to float32 as actlm's do; the halting sums are kept in float32
// too (Math.fround), so a layer halts where actlm's does.
//
// One layer, at byte t, ponder step n = 1, 2, …:
//   a^n = W_x u_t + δ(n = 1) w_flag + W_r h^{n−1} + b          (gates i, f, o, g)
//   c^n = σ(f) c^{n−1} + σ(i) tanh(g),  h^n = σ(o) tanh(c^n)
//   η^n = σ(w_η · [h^n ; c^n] + b_η)      ([h^n], or [h^n ; tanh c^n], as the model's halting input says)
//   N = min(M, first n with Σ_{k≤n} η^k ≥ 1 − ε),  R = 1 − Σ_{n<N} η^n,  p^n = η^n (n < N), p^N = R
//   h_t = Σ p^n h^n,  c_t = Σ p^n c^n,  ρ_t = N + R
// With the stack's halting scope the layers above take layer 1's N and p^n. Then
//   logits = W_y h_t^(L) + b_y,  log p(next byte) = log softmax(logits).

class Model {
  /// `settings`: the export's metadata and the place of every tensor in `weights` (bytes of float32,
  /// little-endian, as WebAssembly memory holds them).
  constructor(settings, weights, kernel) {
    this.L = settings.layers;
    this.H = settings.hidden;
    this.M = settings.max_ponder;
    this.threshold = Math.fround(1 - settings.epsilon);
    this.haltingInput = settings.halting_input;          // "h", "h-c" or "h-tanh-c"
    this.stackHalts = settings.halting_scope === "stack" && this.L > 1;
    this.stateReset = settings.state_reset;
    const H = this.H, G = 4 * H, V = 256;
    const source = new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
    const tensor = (name) => {
      const t = settings.tensors[name];
      if (!t) throw new Error("the page's model has no tensor " + name);
      return source.subarray(t.offset, t.offset + t.count);
    };

    // Memory: the weights (matrices in panels, see packMatrix), then the state and scratch vectors.
    let size = 0;
    const place = (count) => { const at = size; size += (count + 3) & ~3; return at; };   // 16-byte aligned
    const layout = [];
    for (let l = 0; l < this.L; l++) {
      const p = `layer${l + 1}.`, inputs = l === 0 ? V : H;
      const hasHalting = !this.stackHalts || l === 0;
      layout.push({
        inputs, Wx: place(inputs * G), flag: place(G), Wr: place(G * H), b: place(G),
        weta: hasHalting ? place(tensor(p + "halting_weights").length) : -1,
        h: place(H), c: place(H), x: place(G), a: place(G), hn: place(H), cn: place(H), hPrev: place(H), cPrev: place(H),
        hSum: place(H), cSum: place(H), names: p, hasHalting,
      });
    }
    this.Wy = place(H * V); this.by = place(V); this.logits = place(V);
    const pages = Math.ceil(4 * size / 65536) + 1;
    this.memory = new WebAssembly.Memory({ initial: pages });
    const F = this.F = new Float32Array(this.memory.buffer);
    this.kernels = makeKernels(this.memory, F, H, kernel);
    this.multiply = this.kernels.multiply;

    this.layers = layout.map((s, l) => {
      if (l === 0) F.set(tensor(s.names + "input_weights"), s.Wx);     // a row per byte: looked up
      else packMatrix(F, s.Wx, tensor(s.names + "input_weights"), H, G);
      F.set(tensor(s.names + "flag_weights"), s.flag);
      packMatrix(F, s.Wr, tensor(s.names + "recurrent_weights"), H, G);
      F.set(tensor(s.names + "bias"), s.b);
      if (s.hasHalting) {
        F.set(tensor(s.names + "halting_weights"), s.weta);
        s.bEta = tensor(s.names + "halting_bias")[0];
        s.etaCount = tensor(s.names + "halting_weights").length;
      }
      return s;
    });
    packMatrix(F, this.Wy, tensor("output.weights"), H, V);
    F.set(tensor("output.bias"), this.by);
    this.stateSize = 2 * this.L * H;
    this.rho = new Float64Array(this.L);
    this.steps = new Int32Array(this.L);
    this.p = new Float64Array(this.M);          // layer 1's p^n, for the stack's scope
    this.logProbabilities = new Float64Array(V);
    this.near = [];                             // halting sums within 1e-5 of 1 − ε: [layer, step, sum]
  }

  /// The recurrent state of every layer, [L][h, c], as one array (for snapshots).
  saveState(into) {
    const F = this.F, H = this.H;
    this.layers.forEach((s, l) => { into.set(F.subarray(s.h, s.h + H), 2 * l * H); into.set(F.subarray(s.c, s.c + H), (2 * l + 1) * H); });
  }
  loadState(from) {
    const F = this.F, H = this.H;
    this.layers.forEach((s, l) => { F.set(from.subarray(2 * l * H, (2 * l + 1) * H), s.h); F.set(from.subarray((2 * l + 1) * H, (2 * l + 2) * H), s.c); });
  }
  resetState() {
    const F = this.F, H = this.H;
    for (const s of this.layers) { F.fill(0, s.h, s.h + H); F.fill(0, s.c, s.c + H); }
  }

  /// Reads one byte: leaves every layer's ρ and N in `rho`, `steps`, and log p(next byte) in
  /// `logProbabilities`.
  read(byte) {
    const F = this.F, H = this.H, G = 4 * H;
    this.near.length = 0;
    for (let l = 0; l < this.L; l++) {
      const s = this.layers[l];
      // x = W_x u_t + b: a row per byte for layer 1, a product with h_t of the layer below above it.
      if (l === 0) { for (let q = 0; q < G; q++) F[s.x + q] = F[s.Wx + byte * G + q] + F[s.b + q]; }
      else { F.copyWithin(s.x, s.b, s.b + G); this.multiply(this.layers[l - 1].h, s.Wx, s.x, H, G); }
      if (this.stackHalts && l > 0) this.ponderAsTold(s, l);
      else this.ponderOnOwn(s, l);
    }
    const last = this.layers[this.L - 1];
    F.copyWithin(this.logits, this.by, this.by + 256);
    this.multiply(last.h, this.Wy, this.logits, H, 256);
    let top = -Infinity;
    for (let v = 0; v < 256; v++) top = Math.max(top, F[this.logits + v]);
    let total = 0;
    for (let v = 0; v < 256; v++) total += Math.exp(F[this.logits + v] - top);
    const logTotal = top + Math.log(total);
    for (let v = 0; v < 256; v++) this.logProbabilities[v] = F[this.logits + v] - logTotal;
  }

  /// One LSTM step from (hPrev, cPrev) into (hn, cn); the flag's weights at the first step.
  cell(s, first) {
    const F = this.F, H = this.H, G = 4 * H, a = s.a;
    F.copyWithin(a, s.x, s.x + G);
    if (first) for (let q = 0, flag = s.flag; q < G; q++) F[a + q] += F[flag + q];
    this.multiply(s.hPrev, s.Wr, a, H, G);
    this.kernels.lstm(a, s.cPrev, s.cn, s.hn);
  }

  halting(s) {
    const F = this.F, H = this.H;
    let z = s.bEta;
    for (let j = 0; j < H; j++) z += F[s.weta + j] * F[s.hn + j];
    if (this.haltingInput === "h-c") for (let j = 0; j < H; j++) z += F[s.weta + H + j] * F[s.cn + j];
    else if (this.haltingInput === "h-tanh-c") for (let j = 0; j < H; j++) z += F[s.weta + H + j] * tanh(F[s.cn + j]);
    return Math.fround(sigmoid(z));
  }

  /// Ponders until Σ η ≥ 1 − ε or n = M; the mean-field state becomes the layer's (h, c).
  ponderOnOwn(s, l) {
    const F = this.F, H = this.H;
    this.begin(s);
    let total = 0;   // Σ η of the steps so far, float32 as actlm's
    for (let n = 1; ; n++) {
      this.cell(s, n === 1);
      let halts = n === this.M, eta = 0;
      if (!halts) {
        eta = this.halting(s);
        const sum = Math.fround(total + eta);
        if (Math.abs(sum - this.threshold) < 1e-5) this.near.push([l + 1, n, sum]);
        halts = sum >= this.threshold;
      }
      const p = halts ? Math.fround(1 - total) : eta;
      if (l === 0) this.p[n - 1] = p;
      this.mix(s, p);
      if (halts) {
        this.steps[l] = n;
        this.rho[l] = n + p;
        break;
      }
      total = Math.fround(total + eta);
      this.next(s);
    }
    this.end(s);
  }

  /// A layer above layer 1 with the stack's scope: layer 1's N steps with its p^n.
  ponderAsTold(s, l) {
    const N = this.steps[0];
    this.begin(s);
    for (let n = 1; n <= N; n++) {
      this.cell(s, n === 1);
      this.mix(s, this.p[n - 1]);
      this.next(s);
    }
    this.end(s);
    this.steps[l] = N;
    this.rho[l] = this.rho[0];
  }

  begin(s) {
    const F = this.F, H = this.H;
    F.copyWithin(s.hPrev, s.h, s.h + H); F.copyWithin(s.cPrev, s.c, s.c + H);
    F.fill(0, s.hSum, s.hSum + H); F.fill(0, s.cSum, s.cSum + H);
  }
  mix(s, p) {
    const F = this.F, H = this.H;
    for (let j = 0; j < H; j++) { F[s.hSum + j] += p * F[s.hn + j]; F[s.cSum + j] += p * F[s.cn + j]; }
  }
  next(s) {
    const F = this.F, H = this.H;
    F.copyWithin(s.hPrev, s.hn, s.hn + H); F.copyWithin(s.cPrev, s.cn, s.cn + H);
  }
  end(s) {
    const F = this.F, H = this.H;
    F.copyWithin(s.h, s.hSum, s.hSum + H); F.copyWithin(s.c, s.cSum, s.cSum + H);
  }
}
"""#
}
