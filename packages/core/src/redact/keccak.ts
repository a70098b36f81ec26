/**
 * Keccak-256 as Ethereum uses it (the original Keccak padding, domain byte 0x01, not SHA-3's 0x06):
 * node:crypto has SHA3-256 but not this. Small and unhurried; it runs only to check mixed-case
 * Ethereum addresses (EIP-55).
 */

/** Rotation offsets per lane (x + 5y), from the (x, y) -> (y, 2x + 3y) walk of FIPS 202 §3.2.2. */
const ROTATIONS = (() => {
  const offsets = new Uint8Array(25)
  let x = 1
  let y = 0
  for (let t = 0; t < 24; t++) {
    offsets[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64
    ;[x, y] = [y, (2 * x + 3 * y) % 5]
  }
  return offsets
})()

/** Round constants as [low, high] 32-bit halves, from the LFSR of FIPS 202 §3.2.5. */
const ROUND_CONSTANTS = (() => {
  let r = 1
  const bit = (): number => {
    const out = r & 1
    r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : r << 1
    return out
  }
  const constants = new Uint32Array(48)
  for (let round = 0; round < 24; round++) {
    for (let j = 0; j < 7; j++) {
      if (bit() === 0) continue
      const position = (1 << j) - 1
      if (position < 32) constants[2 * round]! |= 1 << position
      else constants[2 * round + 1]! |= 1 << (position - 32)
    }
  }
  return constants
})()

/** Keccak-f[1600] over 25 lanes, each [low, high] at 2i, 2i + 1. */
function permute(state: Uint32Array): void {
  const c = new Uint32Array(10)
  const b = new Uint32Array(50)
  for (let round = 0; round < 24; round++) {
    // θ
    for (let x = 0; x < 5; x++) {
      for (let half = 0; half < 2; half++) {
        const i = 2 * x + half
        c[i] = state[i]! ^ state[i + 10]! ^ state[i + 20]! ^ state[i + 30]! ^ state[i + 40]!
      }
    }
    for (let x = 0; x < 5; x++) {
      const left = (x + 4) % 5
      const right = (x + 1) % 5
      const lo = c[2 * left]! ^ ((c[2 * right]! << 1) | (c[2 * right + 1]! >>> 31))
      const hi = c[2 * left + 1]! ^ ((c[2 * right + 1]! << 1) | (c[2 * right]! >>> 31))
      for (let y = 0; y < 25; y += 5) {
        state[2 * (x + y)]! ^= lo
        state[2 * (x + y) + 1]! ^= hi
      }
    }
    // ρ and π: lane (x, y) rotated into (y, 2x + 3y).
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const from = x + 5 * y
        const to = y + 5 * ((2 * x + 3 * y) % 5)
        const n = ROTATIONS[from]!
        const lo = state[2 * from]!
        const hi = state[2 * from + 1]!
        if (n === 0) {
          b[2 * to] = lo
          b[2 * to + 1] = hi
        } else if (n < 32) {
          b[2 * to] = (lo << n) | (hi >>> (32 - n))
          b[2 * to + 1] = (hi << n) | (lo >>> (32 - n))
        } else if (n === 32) {
          b[2 * to] = hi
          b[2 * to + 1] = lo
        } else {
          const m = n - 32
          b[2 * to] = (hi << m) | (lo >>> (32 - m))
          b[2 * to + 1] = (lo << m) | (hi >>> (32 - m))
        }
      }
    }
    // χ
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + y)
        const i1 = 2 * (((x + 1) % 5) + y)
        const i2 = 2 * (((x + 2) % 5) + y)
        state[i] = b[i]! ^ (~b[i1]! & b[i2]!)
        state[i + 1] = b[i + 1]! ^ (~b[i1 + 1]! & b[i2 + 1]!)
      }
    }
    // ι
    state[0]! ^= ROUND_CONSTANTS[2 * round]!
    state[1]! ^= ROUND_CONSTANTS[2 * round + 1]!
  }
}

/** The Keccak sponge with a 1088-bit rate and a 256-bit output; `domain` is the first padding byte. */
function sponge256(data: Uint8Array, domain: number): Uint8Array {
  const rate = 136
  const state = new Uint32Array(50)
  const blocks = Math.floor(data.length / rate) + 1
  const padded = new Uint8Array(blocks * rate)
  padded.set(data)
  padded[data.length]! ^= domain
  padded[padded.length - 1]! ^= 0x80
  for (let offset = 0; offset < padded.length; offset += rate) {
    for (let i = 0; i < rate; i++) {
      // Byte i of the block goes into lane i >> 3, little-endian.
      const word = 2 * (i >> 3) + ((i & 7) >> 2)
      state[word]! ^= padded[offset + i]! << (8 * (i & 3))
    }
    permute(state)
  }
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = (state[2 * (i >> 3) + ((i & 7) >> 2)]! >>> (8 * (i & 3))) & 0xff
  return out
}

/** Keccak-256 (Ethereum's `keccak256`, `web3.sha3`). */
export function keccak256(data: Uint8Array): Uint8Array {
  return sponge256(data, 0x01)
}

/** FIPS 202 SHA3-256: the same sponge with SHA-3's domain byte, for tests to compare with node:crypto. */
export function sha3_256(data: Uint8Array): Uint8Array {
  return sponge256(data, 0x06)
}
