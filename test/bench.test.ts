import { createSetups, expectedView, payloads, SENTINEL_HASH } from '@leakguard/bench/engine/setups'
import { describe, expect, it } from 'vitest'

describe('benchmark setups produce what they claim', () => {
  const { baseline, setups } = createSetups()
  for (const [label, body] of Object.entries(payloads)) {
    it(`the baseline serializes the whole ${label} body, sentinel included`, () => {
      expect(baseline.run(body)).toContain(SENTINEL_HASH)
    })
    for (const setup of setups) {
      it(`${setup.name} on ${label}`, () => {
        const out = setup.run(body)
        if (!setup.protects) {
          expect(JSON.parse(out)).toEqual(body)
          return
        }
        expect(out).not.toContain(SENTINEL_HASH)
        expect(out).not.toContain('passwordHash')
        if (setup.name.startsWith('leakguard')) expect(JSON.parse(out)).toEqual(expectedView(body))
      })
    }
  }
})
