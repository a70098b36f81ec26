import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const slack: Detector = {
  id: 'slack-token',
  description: 'Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xapp-) and incoming-webhook URLs.',
  set: 'default',
  requires: GATE.DIGITS8 | GATE.DOTS2,
  // Tokens hold dashes (`xoxb-`, `xapp-`); webhook URLs a colon (`https:`).
  prefilter: (text, f) =>
    (f.digits >= 8 || f.dots >= 2) &&
    (f.dashes > 0 || f.colons > 0) &&
    (text.includes('xox') || text.includes('xapp-') || text.includes('hooks.slack.com')),
  pattern:
    /(?<![A-Za-z_])(?:xox[abeprs]-[A-Za-z0-9-]{10,250}|xapp-\d-[A-Z0-9]{6,20}-\d{6,20}-[a-f0-9]{32,80}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,20}\/B[A-Z0-9]{6,20}\/[A-Za-z0-9]{16,40})/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

export const stripe: Detector = {
  id: 'stripe-key',
  description:
    "Stripe secret (sk_) and restricted (rk_) keys, live and test mode: test keys open the account's test data.",
  set: 'default',
  requires: GATE.UNDERSCORE,
  prefilter: (text, f) => f.underscore && (text.includes('_live_') || text.includes('_test_')),
  pattern: /(?<![A-Za-z_])[rs]k_(?:live|test)_[0-9A-Za-z]{24,247}(?![A-Za-z0-9_])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

export const google: Detector = {
  id: 'google-api-key',
  description: 'Google API keys: "AIza" and 35 URL-safe characters.',
  set: 'default',
  requires: GATE.LENGTH37,
  prefilter: (text, f) => f.length >= 39 && text.includes('AIza'),
  pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

export const npm: Detector = {
  id: 'npm-token',
  description: 'npm access tokens: "npm_" and 36 alphanumerics.',
  set: 'default',
  requires: GATE.UNDERSCORE,
  prefilter: (text, f) => f.underscore && text.includes('npm_'),
  pattern: /(?<![A-Za-z_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
