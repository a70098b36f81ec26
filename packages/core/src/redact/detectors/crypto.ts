import { createHash } from 'node:crypto'
import { base58Decode, bech32Decode, convertBits } from '../checksums.js'
import { GATE } from '../features.js'
import { keccak256 } from '../keccak.js'
import type { Detector } from '../types.js'

function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest()
}

/** Base58Check, version 0x00 (P2PKH) or 0x05 (P2SH): 25 bytes, the last 4 a double SHA-256 of the rest. */
export function bitcoinBase58Valid(address: string): boolean {
  const bytes = base58Decode(address)
  if (bytes === null || bytes.length !== 25 || (bytes[0] !== 0x00 && bytes[0] !== 0x05)) return false
  const check = sha256(sha256(bytes.subarray(0, 21)))
  return check[0] === bytes[21] && check[1] === bytes[22] && check[2] === bytes[23] && check[3] === bytes[24]
}

/** A mainnet segwit address (BIP-173, BIP-350): witness version 0 in Bech32, 1-16 in Bech32m. */
export function bitcoinSegwitValid(address: string): boolean {
  const decoded = bech32Decode(address)
  if (decoded === null || decoded.hrp !== 'bc' || decoded.data.length === 0) return false
  const version = decoded.data[0]!
  const program = convertBits(decoded.data.slice(1), 5, 8)
  if (version > 16 || program === null || program.length < 2 || program.length > 40) return false
  if (version === 0) return decoded.variant === 'bech32' && (program.length === 20 || program.length === 32)
  return decoded.variant === 'bech32m'
}

/** EIP-55: a letter is upper case exactly when its nibble of keccak256(lower-case hex) is 8 or more. */
export function eip55Valid(address: string): boolean {
  const hex = address.slice(2)
  const hash = keccak256(Buffer.from(hex.toLowerCase(), 'ascii'))
  for (let i = 0; i < 40; i++) {
    const code = hex.charCodeAt(i)
    if (code < 65) continue // a digit
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 15
    if (code <= 70 !== nibble >= 8) return false // A-F are 65-70, a-f 97-102
  }
  return true
}

/** `0x` and 40 hex digits in one case, or mixed case that passes EIP-55; never the zero address. */
export function ethereumAddressValid(address: string): boolean {
  const hex = address.slice(2)
  if (/^0+$/.test(hex)) return false
  return hex === hex.toLowerCase() || hex === hex.toUpperCase() || eip55Valid(address)
}

export const cryptoWallet: Detector = {
  id: 'crypto-wallet',
  description:
    'Cryptocurrency addresses: Bitcoin P2PKH/P2SH (Base58Check), Bitcoin segwit bc1 (Bech32/Bech32m checksums), Ethereum 0x addresses (EIP-55 when mixed case).',
  set: 'default',
  requires: GATE.LENGTH14,
  prefilter: (text, f) =>
    f.length >= 14 &&
    f.digits >= 1 &&
    // Every form holds a letter (`x` of 0x, `bc`, Base58's capitals): numbers skip the scans.
    f.upper + f.lower >= 1 &&
    ((f.length >= 25 && f.upper >= 2) || text.includes('0x') || text.includes('bc1') || text.includes('BC1')),
  pattern:
    /(?<![A-Za-z0-9])(?:[13][1-9A-HJ-NP-Za-km-z]{24,34}|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}|0x[0-9A-Fa-f]{40})(?![A-Za-z0-9])/g,
  validate(match) {
    if (match.startsWith('0x')) return ethereumAddressValid(match)
    if (match.startsWith('bc1') || match.startsWith('BC1')) return bitcoinSegwitValid(match)
    return bitcoinBase58Valid(match)
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
