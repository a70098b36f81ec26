import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const macAddress: Detector = {
  id: 'mac-address',
  description:
    'MAC addresses (EUI-48) as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff; not all-zero nor broadcast. Strict set only.',
  set: 'strict',
  requires: GATE.COLON | GATE.DASH5 | GATE.DOTS2,
  prefilter: (_text, f) => f.length >= 14 && (f.colons >= 5 || f.dashes >= 5 || f.dots >= 2),
  pattern:
    /(?<![\w:.-])(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.\w)/g,
  validate(match) {
    const hex = match.replace(/[:.-]/g, '')
    return !/^0+$/.test(hex) && !/^f+$/i.test(hex)
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'low',
}
