// A small seeded PRNG for the randomized interop tests: the same seed gives
// the same sequence on every machine (sfc32, seeded through splitmix32), so a
// failing run is replayed with XS_RANDOM_SEED=<seed>.
import { randomInt } from "node:crypto";

function splitmix32(state) {
  let z = (state + 0x9e3779b9) | 0;
  const next = z;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { value: (z ^ (z >>> 16)) >>> 0, next };
}

export class Rng {
  constructor(seed) {
    this.seed = seed >>> 0;
    let state = this.seed;
    const words = [];
    for (let i = 0; i < 4; ++i) {
      const { value, next } = splitmix32(state);
      words.push(value);
      state = next;
    }
    [this.a, this.b, this.c, this.d] = words;
    // Discard the first outputs, as sfc32's authors recommend.
    for (let i = 0; i < 12; ++i) this.u32();
  }

  // Uniform in [0, 2^32).
  u32() {
    let t = (this.a + this.b) | 0;
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  // Uniform in [0, n), n ≥ 1 (rejection sampling: no modulo bias).
  int(n) {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`Rng.int(${n})`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.u32();
      if (x < limit) return x % n;
    }
  }

  chance(p) {
    return this.u32() < p * 2 ** 32;
  }

  pick(items) {
    if (items.length === 0) throw new RangeError("Rng.pick of an empty list");
    return items[this.int(items.length)];
  }

  // One of the keys of `weights` ({key: weight}); keys with weight 0 never.
  weighted(weights) {
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    if (entries.length === 0) throw new RangeError("Rng.weighted with no positive weight");
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = (this.u32() / 2 ** 32) * total;
    for (const [key, w] of entries) {
      if (x < w) return key;
      x -= w;
    }
    return entries[entries.length - 1][0];
  }
}

// XS_RANDOM_SEED (decimal or 0x-hex) when set, a fresh random seed otherwise.
export function seedFromEnv(env = process.env) {
  const text = env.XS_RANDOM_SEED;
  if (text === undefined || text === "") return randomInt(0, 2 ** 32);
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new Error(`XS_RANDOM_SEED must be an integer in [0, 2^32), not ${JSON.stringify(text)}`);
  }
  return seed;
}

// A positive integer from the environment, `fallback` when unset.
export function countFromEnv(name, fallback, env = process.env) {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(text)}`);
  }
  return n;
}
