extension BrowserPage {
    /// The page's kernels, the matrix product and the LSTM gates: a WebAssembly SIMD module the script
    /// writes itself, and their plain JavaScript twins.
    static let kernelScript = #"""
// The two kernels of the forward pass as a WebAssembly module with 128-bit SIMD that this script writes
// byte by byte at load time: the matrix product y += x·W for W [rows, cols] (a row per input unit, as the
// export stores it), 32 columns at a time in eight f32x4 accumulators, then 4 at a time; and the gates
// of an LSTM step, 4 units at a time. No toolchain made it, so nothing in the page is opaque; the same
// two in plain JavaScript run in a browser without WebAssembly SIMD, and check the module (?kernel=scalar).
//
// W is stored in panels (packMatrix): the first 32 columns of every row, then the next 32, …, then the
// last columns 4 at a time, so that the product reads it front to back. Read row by row, a 256 × 1024
// matrix puts every row in a page of its own, where the processor's prefetcher cannot follow.
const panelWidths = (cols) => { const w = []; let j = 0;
  for (; j + 32 <= cols; j += 32) w.push(32);
  for (; j < cols; j += 4) w.push(4);
  return w; };

/// Copies W [rows, cols] (row-major, `from`) into F at `to` in panels.
function packMatrix(F, to, from, rows, cols) {
  let p = to, j0 = 0;
  for (const width of panelWidths(cols)) {
    for (let i = 0; i < rows; i++) { F.set(from.subarray(i * cols + j0, i * cols + j0 + width), p); p += width; }
    j0 += width;
  }
}

function scalarMultiply(F, x, w, y, rows, cols) {
  let p = w, j0 = 0;
  for (const width of panelWidths(cols)) {
    for (let i = 0; i < rows; i++, p += width) {
      const xi = F[x + i];
      for (let k = 0; k < width; k++) F[y + j0 + k] += xi * F[p + k];
    }
    j0 += width;
  }
}

function leb(n) {            // unsigned LEB128
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function sleb(n) {           // signed LEB128
  const out = [];
  for (;;) {
    const b = n & 0x7f; n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const wasmName = (text) => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const wasmVector = (items) => [...leb(items.length), ...items.flat()];
const wasmSection = (id, body) => [id, ...leb(body.length), ...body];

/// A function's code: locals, then instructions pushed by the helpers.
class WasmCode {
  constructor(parameters) { this.parameters = parameters; this.locals = []; this.c = []; }
  local(type) { this.locals.push(type); return this.parameters + this.locals.length - 1; }   // 0x7f i32, 0x7b v128
  op(...bytes) { this.c.push(...bytes); return this; }
  get(i) { return this.op(0x20, i); }
  set(i) { return this.op(0x21, i); }
  tee(i) { return this.op(0x22, i); }
  i32(n) { return this.op(0x41, ...sleb(n)); }
  simd(n) { return this.op(0xfd, ...leb(n)); }
  load(offset = 0) { return this.simd(0x00).op(4, ...leb(offset)); }           // v128.load, align 16
  store(offset = 0) { return this.simd(0x0b).op(4, ...leb(offset)); }          // v128.store
  f32x4(value) {                                                                // v128.const of 4 × value
    const b = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
    return this.simd(0x0c).op(...b);
  }
  body() {
    const groups = this.locals.map((t) => [1, t]);
    const bytes = [...wasmVector(groups), ...this.c, 0x0b];
    return [...leb(bytes.length), ...bytes];
  }
}
const [ADD, SUB, MUL, DIV, MIN, MAX, NEAREST] = [0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0x6a];   // f32x4 ops

/// matvec(x, w, y, rows, cols): byte addresses of x [rows], W [rows, cols] in panels and y [cols]; cols a
/// multiple of 4.
function matvecCode() {
  const X = 0, W = 1, Y = 2, ROWS = 3, COLS = 4, f = new WasmCode(5);
  const J = f.local(0x7f), P = f.local(0x7f), Q = f.local(0x7f), END = f.local(0x7f), ROW = f.local(0x7f);
  const ACC = Array.from({ length: 8 }, () => f.local(0x7b)), S = f.local(0x7b);
  f.get(COLS).i32(2).op(0x74).set(ROW);                        // bytes per row of W
  f.get(X).get(ROWS).i32(2).op(0x74).op(0x6a).set(END);        // end of x
  f.get(W).set(P);                                             // W is read front to back
  for (const width of [8, 1]) {                                // accumulators per panel of columns
    const panel = 16 * width;
    f.op(0x02, 0x40, 0x03, 0x40);                              // block { loop {
    f.get(J).i32(panel).op(0x6a).get(ROW).op(0x4b, 0x0d, 1);   //   j + panel > row: out
    for (let k = 0; k < width; k++) f.get(Y).get(J).op(0x6a).load(16 * k).set(ACC[k]);
    f.get(X).set(Q);
    f.op(0x03, 0x40);                                          //   loop over the rows of W {
    f.get(Q).op(0x2a, 2, 0).simd(0x13).set(S);                 //     s = f32x4.splat(x[i])
    for (let k = 0; k < width; k++) f.get(ACC[k]).get(S).get(P).load(16 * k).simd(MUL).simd(ADD).set(ACC[k]);
    f.get(P).i32(panel).op(0x6a).set(P);
    f.get(Q).i32(4).op(0x6a).tee(Q).get(END).op(0x49, 0x0d, 0); //  } while q < end
    f.op(0x0b);
    for (let k = 0; k < width; k++) f.get(Y).get(J).op(0x6a).get(ACC[k]).store(16 * k);
    f.get(J).i32(panel).op(0x6a).set(J);
    f.op(0x0c, 0, 0x0b, 0x0b);                                 //   continue } }
  }
  return f.body();
}

/// lstm(a, cPrev, c, h, H): from the pre-activations a [4H] (i, f, o, g) and c^{n−1} [H], c^n and h^n
/// (byte addresses; H a multiple of 4): c = σ(f) c^{n−1} + σ(i) tanh(g), h = σ(o) tanh(c), 4 units at a
/// time. exp is Cephes' expf (2^k times a polynomial of degree 6, within 2 ulp), tanh x = 2σ(2x) − 1.
function lstmCode() {
  const A = 0, CPREV = 1, C = 2, H = 3, UNITS = 4, f = new WasmCode(5);
  const J = f.local(0x7f), GATE = f.local(0x7f), END = f.local(0x7f), P = f.local(0x7f);
  const X = f.local(0x7b), K = f.local(0x7b), R = f.local(0x7b), I = f.local(0x7b), F = f.local(0x7b);
  const O = f.local(0x7b), G = f.local(0x7b), CN = f.local(0x7b);
  const exp = () => {                                          // x on the stack → exp(x)
    f.f32x4(-87.3).simd(MAX).f32x4(88.0).simd(MIN).tee(X);
    f.f32x4(1.44269504088896341).simd(MUL).simd(NEAREST).set(K);
    f.get(X).get(K).f32x4(0.693359375).simd(MUL).simd(SUB).get(K).f32x4(-2.12194440e-4).simd(MUL).simd(SUB).set(R);
    f.f32x4(1.9875691500e-4);
    for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
      f.get(R).simd(MUL).f32x4(c).simd(ADD);
    }
    f.get(R).get(R).simd(MUL).simd(MUL).get(R).simd(ADD).f32x4(1).simd(ADD);
    f.get(K).simd(0xf8).i32(127).simd(0x11).simd(0xae).i32(23).simd(0xab);   // 2^k: (k + 127) << 23
    f.simd(MUL);
  };
  const sigmoid = (load) => { f.f32x4(1).f32x4(1).f32x4(0); load(); f.simd(SUB); exp(); f.simd(ADD).simd(DIV); };
  const tanh = (load) => { f.f32x4(2); sigmoid(() => { load(); f.f32x4(2).simd(MUL); }); f.simd(MUL).f32x4(1).simd(SUB); };
  f.get(UNITS).i32(2).op(0x74).set(GATE);                      // bytes per gate
  f.get(A).get(GATE).op(0x6a).set(END);
  f.op(0x02, 0x40, 0x03, 0x40);                                // block { loop {
  f.get(A).get(J).op(0x6a).tee(P).get(END).op(0x4f, 0x0d, 1);  //   a + j ≥ end: out
  sigmoid(() => f.get(P).load()); f.set(I);
  sigmoid(() => f.get(P).get(GATE).op(0x6a).load()); f.set(F);
  sigmoid(() => f.get(P).get(GATE).i32(2).op(0x6c).op(0x6a).load()); f.set(O);
  tanh(() => f.get(P).get(GATE).i32(3).op(0x6c).op(0x6a).load()); f.set(G);
  f.get(F).get(CPREV).get(J).op(0x6a).load().simd(MUL).get(I).get(G).simd(MUL).simd(ADD).set(CN);
  f.get(C).get(J).op(0x6a).get(CN).store();
  f.get(H).get(J).op(0x6a).get(O);
  tanh(() => f.get(CN));
  f.simd(MUL).store();
  f.get(J).i32(16).op(0x6a).set(J);
  f.op(0x0c, 0, 0x0b, 0x0b);                                   //   continue } }
  return f.body();
}

function kernelModuleBytes() {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, wasmVector([[0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]])),       // type (i32 ×5) → ()
    ...wasmSection(2, wasmVector([[...wasmName("env"), ...wasmName("memory"), 0x02, 0x00, 1]])),  // memory import
    ...wasmSection(3, wasmVector([[0], [0]])),                                           // two functions
    ...wasmSection(7, wasmVector([[...wasmName("matvec"), 0x00, 0], [...wasmName("lstm"), 0x00, 1]])),
    ...wasmSection(10, wasmVector([matvecCode(), lstmCode()])),
  ]);
}

/// The gates of one LSTM step in plain JavaScript: lstm's twin.
function scalarLSTM(F, a, cPrev, c, h, H) {
  for (let j = 0; j < H; j++) {
    const i = sigmoid(F[a + j]), f = sigmoid(F[a + H + j]), o = sigmoid(F[a + 2 * H + j]), g = tanh(F[a + 3 * H + j]);
    const cn = Math.fround(f * F[cPrev + j] + i * g);
    F[c + j] = cn;
    F[h + j] = o * tanh(cn);
  }
}
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const tanh = (x) => 1 - 2 / (Math.exp(2 * x) + 1);     // one exp: faster than Math.tanh in V8

/// The product and the gates for a memory of Float32 values F, addresses in floats: the WebAssembly
/// module when this browser runs it (and, for the gates, H is a multiple of 4), else plain JavaScript.
function makeKernels(memory, F, H, wanted) {
  const scalar = { kind: "JavaScript",
    multiply: (x, w, y, rows, cols) => scalarMultiply(F, x, w, y, rows, cols),
    lstm: (a, cPrev, c, h) => scalarLSTM(F, a, cPrev, c, h, H) };
  if (wanted === "scalar" || typeof WebAssembly !== "object") return scalar;
  try {
    const bytes = kernelModuleBytes();
    if (!WebAssembly.validate(bytes)) return scalar;
    const { matvec, lstm } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    return { kind: "WebAssembly SIMD",
      multiply: (x, w, y, rows, cols) => matvec(4 * x, 4 * w, 4 * y, rows, cols),
      lstm: H % 4 === 0 ? (a, cPrev, c, h) => lstm(4 * a, 4 * cPrev, 4 * c, 4 * h, H) : scalar.lstm };
  } catch (error) {
    return scalar;
  }
}
"""#
}
