import { GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'

export const passwordHash: Detector = {
  id: 'password-hash',
  description:
    "Password hashes in modular crypt format (bcrypt, argon2, scrypt, yescrypt, SHA-crypt, MD5-crypt, phpass), Django's (pbkdf2_sha256$..., argon2$...) and Werkzeug's (pbkdf2:sha256:..., scrypt:...).",
  set: 'default',
  requires: GATE.DOLLAR,
  prefilter: (_text, f) => f.dollar,
  pattern:
    /(?:(?<![A-Za-z0-9_])(?:pbkdf2_sha(?:1|256|512)\$\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$[A-Za-z0-9+/]{27,88}={0,2}|pbkdf2:sha(?:1|256|512):\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$[a-f0-9]{40,128}|scrypt:\d{1,9}:\d{1,3}:\d{1,3}\$[./A-Za-z0-9+=_-]{1,128}\$[a-f0-9]{32,256}|scrypt\$\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$\d{1,3}\$\d{1,3}\$[A-Za-z0-9+/]{43,88}={0,2})|\$(?:2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}|scrypt\$[A-Za-z0-9=,+/.$-]{16,400}|7\$[./A-Za-z0-9]{11,200}\$[./A-Za-z0-9]{43}|7\$[./A-Za-z0-9]{30,200}|[PH]\$[./A-Za-z0-9]{31}|y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{43}|[56]\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}|(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}))(?![/A-Za-z0-9]|\.[./A-Za-z0-9])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'hash', 'digest'])

export const hexPasswordHash: Detector = {
  id: 'hex-password-hash',
  description:
    'Bare hex MD5, SHA-1 and SHA-256 digests, only under password-like member names (passwordHash, pwd).',
  set: 'default',
  requires: GATE.LENGTH24,
  prefilter: (_text, f, context) =>
    (f.length === 32 || f.length === 40 || f.length === 64) &&
    context.key !== null &&
    keyWords(context.key).some((word) => PASSWORD_WORDS.has(word)),
  pattern: /^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64})$/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
