import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const pem: Detector = {
  id: 'private-key',
  description:
    'PEM private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted), OpenPGP private key blocks and SSH2 (RFC 4716 style) private keys, whole or truncated.',
  set: 'default',
  requires: GATE.DASH5,
  prefilter: (text, f) => f.dashes >= 8 && text.includes('PRIVATE KEY'),
  pattern:
    /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)|---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----(?:[\s\S]*?---- END SSH2 (?:ENCRYPTED )?PRIVATE KEY ----|[\s\S]*)/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
