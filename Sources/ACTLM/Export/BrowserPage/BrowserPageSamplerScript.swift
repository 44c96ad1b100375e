extension BrowserPage {
    /// The page's sampler: `actlm sample`'s generator, random source and draws.
    static let samplerScript = #"""
// The generator and sampler of `actlm sample`, so that the page continues a text as actlm would: the
// same seed gives the same draws (xoshiro256** seeded through SplitMix64), temperature and softmax in
// float32 (Math.fround), and the same restarts of the state.
class RandomSource {
  constructor(seed) {
    const mask = (1n << 64n) - 1n;
    let s = BigInt.asUintN(64, BigInt(seed));
    const splitMix = () => {
      s = (s + 0x9e3779b97f4a7c15n) & mask;
      let z = s;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      return z ^ (z >> 31n);
    };
    this.state = [splitMix(), splitMix(), splitMix(), splitMix()];
  }

  next() {
    const mask = (1n << 64n) - 1n, s = this.state;
    const rotate = (x, k) => ((x << k) | (x >> (64n - k))) & mask;
    const result = (rotate((s[1] * 5n) & mask, 7n) * 9n) & mask;
    const t = (s[1] << 17n) & mask;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
    s[3] = rotate(s[3], 45n);
    return result;
  }

  /// Uniform in [0, 1) with 24 random bits.
  nextUnitFloat() { return Number(this.next() >> 40n) / 16777216; }
}

/// The next byte from 256 float32 logits: temperature, softmax, one draw (0 takes the likeliest byte).
function sampleByte(logits, temperature, random) {
  const f = Math.fround;
  let best = 0;
  for (let v = 1; v < 256; v++) if (logits[v] > logits[best]) best = v;
  if (temperature <= 1e-6) return best;
  const maximum = logits[best], inverseT = f(1 / f(temperature)), weights = new Float32Array(256);
  let total = 0;
  for (let v = 0; v < 256; v++) { weights[v] = f(Math.exp(f(f(logits[v] - maximum) * inverseT))); total = f(total + weights[v]); }
  if (!(total > 0) || !Number.isFinite(total)) return best;
  const u = f(random.nextUnitFloat() * total);
  let cumulative = 0, last = 0;
  for (let v = 0; v < 256; v++) {
    if (weights[v] <= 0) continue;
    cumulative = f(cumulative + weights[v]);
    last = v;
    if (u < cumulative) return v;
  }
  return last;
}

/// Continues the scored text. A model trained with state resets has never read more than state_reset
/// bytes from a zero state: where that many have been read, a fresh state first reads the last half of
/// them again, so the text goes on in context (as `actlm sample` does).
class Generator {
  /// Starts after `scorer`'s whole text (or, for an empty one, after a newline); borrows its model and
  /// gives the scorer's state back in `finish`.
  constructor(scorer, temperature, seed) {
    this.scorer = scorer;
    this.model = scorer.model;
    this.temperature = temperature;
    this.random = new RandomSource(seed);
    this.saved = new Float32Array(this.model.stateSize);
    this.model.saveState(this.saved);
    const reset = this.model.stateReset, n = scorer.text.length;
    this.logits = scorer.logits.slice();
    this.recent = Array.from(scorer.text.subarray(Math.max(0, n - 2 * reset)));
    if (n === 0) {
      this.model.resetState();
      this.model.read(0x0a);
      this.logits = this.model.F.slice(this.model.logits, this.model.logits + 256);
      this.sinceReset = 1;
    } else {
      this.sinceReset = reset > 0 ? (n - 1) % reset + 1 : n;
    }
  }

  /// The next byte and the model's ρ and N of every layer while reading it.
  next() {
    const model = this.model, reset = model.stateReset;
    const byte = sampleByte(this.logits, this.temperature, this.random);
    if (reset > 0 && this.sinceReset >= reset) {
      model.resetState();
      const context = this.recent.slice(-Math.floor(reset / 2));
      for (const b of context) model.read(b);
      this.sinceReset = context.length;
    }
    model.read(byte);
    this.sinceReset++;
    this.recent.push(byte);
    if (reset > 0 && this.recent.length > 2 * reset) this.recent.splice(0, this.recent.length - reset);
    this.logits = model.F.slice(model.logits, model.logits + 256);
    return { byte, rho: Array.from(model.rho), steps: Array.from(model.steps) };
  }

  /// The scorer's model goes back to the state after the scored text.
  finish() { this.model.loadState(this.saved); }
}
"""#
}
