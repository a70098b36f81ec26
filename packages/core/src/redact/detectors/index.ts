import type { Detector } from '../types.js'
import { awsAccessKey, awsSecretKey } from './aws.js'
import { azureAdClientSecret } from './azure.js'
import { card } from './card.js'
import { cryptoWallet } from './crypto.js'
import { email } from './email.js'
import { facebookAppToken } from './facebook.js'
import { github } from './github.js'
import { iban } from './iban.js'
import { ipAddress } from './ip.js'
import { jwt } from './jwt.js'
import { macAddress } from './mac.js'
import { hexPasswordHash, passwordHash } from './password-hash.js'
import { pem } from './pem.js'
import { phone } from './phone.js'
import { google, npm, slack, stripe } from './saas.js'
import { ssn } from './ssn.js'
import { usSsnBare, usSsnDotted } from './ssn-forms.js'
import { highEntropy } from './strict.js'
import { ukNhs, ukNino } from './uk.js'
import { urlPassword } from './url.js'
import { abaRouting, usItin } from './us.js'

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
  azureAdClientSecret,
  facebookAppToken,
  passwordHash,
  hexPasswordHash,
  cryptoWallet, // before high-entropy, which would claim the same span
  card,
  iban,
  ukNino,
  ssn,
  usSsnDotted,
  usSsnBare,
  usItin,
  abaRouting,
  ukNhs, // before phone: a phone's partial mask would show an NHS number's last digits
  urlPassword, // before email: `user:password@host.example` also reads as an email
  email,
  phone,
  macAddress,
  ipAddress,
  highEntropy,
])

export const DETECTOR_IDS: readonly string[] = DETECTORS.map((d) => d.id)
