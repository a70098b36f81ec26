import { checkSetup, createSetups, payloads, SENTINEL_HASH } from '@leakguard/bench/engine/setups'
import { describe, expect, it } from 'vitest'

describe('benchmark setups produce what they claim', () => {
  for (const [label, payload] of Object.entries(payloads)) {
    const { baseline, setups } = createSetups(payload)
    it(`the baseline serializes the whole ${label} body`, () => {
      expect(baseline.run(payload.body)).toBe(JSON.stringify(payload.body))
    })
    for (const setup of setups) {
      it(`${setup.name} on ${label}`, () => {
        const out = checkSetup(setup, payload)
        expect(out).not.toContain(SENTINEL_HASH)
      })
    }
  }
})
