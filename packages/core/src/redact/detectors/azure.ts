import { isPlaceholder } from '../catalogue/placeholder.js'
import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const azureAdClientSecret: Detector = {
  id: 'azure-ad-client-secret',
  description:
    'Microsoft Entra ID (Azure AD) application client secrets: 3 characters, a version digit, "Q~" and 31-34 characters.',
  set: 'default',
  requires: GATE.LENGTH37,
  prefilter: (text, f) => f.length >= 37 && text.includes('Q~'),
  // The fixed "Q~" after four characters is what sets them apart from any other 40-character run.
  pattern: /(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])/g,
  validate: (match) => !isPlaceholder(match.slice(6)),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
