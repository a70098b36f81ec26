import type { Detector } from '../types.js'
import { awsAccessKey, awsSecretKey } from './aws.js'
import { card } from './card.js'
import { email } from './email.js'
import { github } from './github.js'
import { iban } from './iban.js'
import { jwt } from './jwt.js'
import { hexPasswordHash, passwordHash } from './password-hash.js'
import { pem } from './pem.js'
import { phone } from './phone.js'
import { google, npm, slack, stripe } from './saas.js'
import { ssn } from './ssn.js'
import { highEntropy, ipAddress } from './strict.js'

/** Every built-in detector, in the order overlapping findings are preferred. */
export const DETECTORS: readonly Detector[] = Object.freeze([
  pem,
  jwt,
  github,
  slack,
  stripe,
  google,
  npm,
  awsAccessKey,
  awsSecretKey,
  passwordHash,
  hexPasswordHash,
  card,
  iban,
  ssn,
  email,
  phone,
  ipAddress,
  highEntropy,
])

export const DETECTOR_IDS: readonly string[] = DETECTORS.map((d) => d.id)
