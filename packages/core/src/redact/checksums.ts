/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  return luhnValidDigits(
    Array.from(digits, (digit) => digit.charCodeAt(0) - 48),
    digits.length,
  )
}

/** Luhn (mod 10) check over the first `length` digit values of `digits` (0-9 each). */
export function luhnValidDigits(digits: ArrayLike<number>, length: number): boolean {
  let sum = 0
  for (let i = 0; i < length; i++) {
    let d = digits[length - 1 - i]!
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return length > 0 && sum % 10 === 0
}

/** ISO 13616 IBAN check: rearranged, letters as numbers, mod 97 equals 1. */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const code = char.charCodeAt(0)
    const value = code >= 65 ? code - 55 : code - 48
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
  }
  return remainder === 1
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (IEEE) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `value` in base 62, left-padded with `0` to `width` characters. */
export function base62(value: number, width: number): string {
  let out = ''
  let rest = value
  do {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  } while (rest > 0)
  return out.padStart(width, '0')
}

/** Decodes base64url to text, or `null` when it is not base64url. */
export function base64urlText(part: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return null
  return Buffer.from(part, 'base64url').toString('utf8')
}

/** NHS number check (NHS Data Dictionary): weights 10 to 2, 11 minus the sum mod 11; 10 is never issued. */
export function nhsCheckValid(digits: string): boolean {
  if (digits.length !== 10) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i)
  const check = (11 - (sum % 11)) % 11
  return check !== 10 && check === digits.charCodeAt(9) - 48
}

/** ABA routing number check: weights 3, 7, 1 repeated, the sum a multiple of 10. */
export function abaCheckValid(digits: string): boolean {
  if (digits.length !== 9) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (i % 3 === 0 ? 3 : i % 3 === 1 ? 7 : 1)
  return sum % 10 === 0
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const BASE58_VALUES = (() => {
  const values = new Int8Array(128).fill(-1)
  for (let i = 0; i < BASE58.length; i++) values[BASE58.charCodeAt(i)] = i
  return values
})()

/** Bitcoin's base 58 to bytes (each leading `1` is a zero byte), or `null` on a character outside it. */
export function base58Decode(text: string): Uint8Array | null {
  let zeros = 0
  while (zeros < text.length && text.charCodeAt(zeros) === 49) zeros++
  // The value's bytes, big-endian, filled from the end; each character adds log(58) / log(256) < 0.733 bytes.
  const bytes = new Uint8Array(Math.ceil(text.length * 0.733) + 1)
  let used = 0
  for (let i = zeros; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let carry = code < 128 ? BASE58_VALUES[code]! : -1
    if (carry < 0) return null
    let j = 0
    for (let k = bytes.length - 1; k >= 0 && (carry !== 0 || j < used); k--, j++) {
      carry += 58 * bytes[k]!
      bytes[k] = carry & 0xff
      carry >>>= 8
    }
    used = j
  }
  const out = new Uint8Array(zeros + used)
  out.set(bytes.subarray(bytes.length - used), zeros)
  return out
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const BECH32_VALUES = (() => {
  const values = new Int8Array(128).fill(-1)
  for (let i = 0; i < BECH32.length; i++) values[BECH32.charCodeAt(i)] = i
  return values
})()
const BECH32_GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
/** The constant a valid checksum leaves: 1 for Bech32 (BIP-173), 0x2bc830a3 for Bech32m (BIP-350). */
const BECH32M_CONST = 0x2bc830a3

function bech32Polymod(values: readonly number[]): number {
  let chk = 1
  for (const value of values) {
    const top = chk >>> 25
    chk = (((chk & 0x1ffffff) << 5) ^ value) >>> 0
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ BECH32_GENERATOR[i]!) >>> 0
  }
  return chk
}

/** A decoded Bech32 or Bech32m string: its lower-case human-readable part and 5-bit data (no checksum). */
export interface Bech32Decoded {
  readonly hrp: string
  readonly data: readonly number[]
  readonly variant: 'bech32' | 'bech32m'
}

/** BIP-173 / BIP-350 decoding: one case, at most 90 characters, a valid Bech32 or Bech32m checksum. */
export function bech32Decode(text: string): Bech32Decoded | null {
  if (text.length > 90 || (text !== text.toLowerCase() && text !== text.toUpperCase())) return null
  const lower = text.toLowerCase()
  const separator = lower.lastIndexOf('1')
  if (separator < 1 || separator + 7 > lower.length) return null
  const hrp = lower.slice(0, separator)
  const values: number[] = []
  for (let i = 0; i < hrp.length; i++) {
    const code = hrp.charCodeAt(i)
    if (code < 33 || code > 126) return null
    values.push(code >>> 5)
  }
  values.push(0)
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) & 31)
  const data: number[] = []
  for (let i = separator + 1; i < lower.length; i++) {
    const code = lower.charCodeAt(i)
    const value = code < 128 ? BECH32_VALUES[code]! : -1
    if (value < 0) return null
    data.push(value)
  }
  const check = bech32Polymod([...values, ...data])
  const variant = check === 1 ? 'bech32' : check === BECH32M_CONST ? 'bech32m' : null
  if (variant === null) return null
  return { hrp, data: data.slice(0, -6), variant }
}

/** Regroups `from`-bit values into `to`-bit values (BIP-173 `convertbits`, without padding), or `null`. */
export function convertBits(data: readonly number[], from: number, to: number): number[] | null {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const max = (1 << to) - 1
  for (const value of data) {
    if (value < 0 || value >> from !== 0) return null
    acc = ((acc << from) | value) & 0xffffff
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >> bits) & max)
    }
  }
  // Leftover bits are padding: fewer than `from`, and all zero.
  if (bits >= from || ((acc << (to - bits)) & max) !== 0) return null
  return out
}
