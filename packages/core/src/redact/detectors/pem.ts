import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const pem: Detector = {
  id: 'private-key',
  description:
    'PEM private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted), OpenPGP private key blocks, SSH2 (RFC 4716 style) private keys and PuTTY key files (.ppk, versions 2 and 3, to their Private-MAC line), whole or truncated.',
  set: 'default',
  requires: GATE.DASH5,
  // A PuTTY file's first line alone has four dashes; with its Public-Lines line, five.
  prefilter: (text, f) =>
    (f.dashes >= 8 && text.includes('PRIVATE KEY')) || text.includes('PuTTY-User-Key-File-'),
  pattern:
    /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)|---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----(?:[\s\S]*?---- END SSH2 (?:ENCRYPTED )?PRIVATE KEY ----|[\s\S]*)|PuTTY-User-Key-File-\d:(?:[\s\S]*?Private-MAC:[ \t]*[0-9A-Fa-f]*|[\s\S]*)/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
