import { describe, expect, it } from 'vitest'
import type { AdapterHarness } from '../harness.js'
import { appRunner, call, getRoute, NO_REDACTION, recordingGuard, SECRET } from '../helpers.js'

/** Member names that would be code or structure if a writer pasted them into its output or its source. */
const NAMES = [
  '"',
  '\\',
  '"}],"admin":true,"x":{"',
  '\u2028\u2029',
  '\u0000\u001f',
  '\ud800',
  '__proto__',
  'constructor',
  "it's",
  '</script><script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a name that would be code in a template
  '${process.exit(1)}',
  '`+process.exit(1)+`',
  '',
]

/** An object holding every hostile name, each with a nested copy and the secret beside it. */
function hostileBody(): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const name of NAMES) {
    Object.defineProperty(body, name, {
      value: { [name]: name, keep: name, secret: SECRET },
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return body
}

/**
 * leakguard writes kept members straight to JSON text, with member names it learns from the
 * bodies themselves: names and values of any content must come out as data, escaped, with nothing
 * dropped coming back and nothing injected.
 */
export function runHostileNameAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: hostile member names and values in the written JSON', () => {
    it('escapes every name and value, keeps exactly the allowlisted members, and injects none', async () => {
      const { guard } = recordingGuard({
        redact: NO_REDACTION,
        routes: { 'GET /names': { allow: ['$.*.keep', "$['__proto__']['__proto__']"] } },
      })
      const routes = [getRoute('/names', hostileBody)]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/names`)
        expect(res.status).toBe(200)
        expect(res.text).not.toContain(SECRET)
        const expected: Record<string, unknown> = {}
        for (const name of NAMES) {
          // JSON.parse turns a member named __proto__ into an own member, as the expected value does.
          const value = name === '__proto__' ? { [name]: name, keep: name } : { keep: name }
          Object.defineProperty(expected, name, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          })
        }
        expect(res.json).toEqual(JSON.parse(JSON.stringify(expected)))
        expect((res.json as Record<string, unknown>).admin).toBeUndefined()
      })
    })

    it('redacts what the detectors find under hostile names, and masks a name that is itself a secret', async () => {
      const { guard } = recordingGuard({ redact: {} })
      const routes = [
        getRoute('/secrets', () => ({
          '"},"card":"': '4111 1111 1111 1111',
          'ada@example.com': 1,
          '\u2028': { password: 'hunter2' },
        })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/secrets`)
        expect(res.status).toBe(200)
        expect(res.text).not.toContain('4111 1111 1111 1111')
        expect(res.text).not.toContain('ada@example.com')
        expect(res.text).not.toContain('hunter2')
        const body = res.json as Record<string, unknown>
        expect(Object.keys(body)).toHaveLength(3)
        expect(body.card).toBeUndefined()
      })
    })

    it('writes an object keyed by thousands of email addresses, each masked name unique, as object and as JSON text', async () => {
      // Each masked name took the least free `#n` by trying every suffix from 2: 20,000 such
      // members stalled a response for 24 s. Now linear; here, the output must stay exact.
      const count = 3000
      const map = Object.fromEntries(Array.from({ length: count }, (_, i) => [`user${i}@example.com`, i]))
      const { guard } = recordingGuard({ redact: {} })
      const routes = [
        getRoute('/invites', () => ({ invites: map })),
        getRoute('/invites.json', () => JSON.stringify({ invites: map }), {
          contentType: 'application/json',
        }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const path of ['/invites', '/invites.json']) {
          const res = await call(`${url}${path}`)
          expect(res.status).toBe(200)
          expect(res.text).not.toContain('@example.com')
          const invites = (res.json as { invites: Record<string, number> }).invites
          const names = Object.keys(invites)
          expect(names).toHaveLength(count)
          expect(names[0]).toBe('[REDACTED:email]')
          expect(names[1]).toBe('[REDACTED:email]#2')
          expect(names[count - 1]).toBe(`[REDACTED:email]#${count}`)
          expect(Object.values(invites)).toEqual(Array.from({ length: count }, (_, i) => i))
        }
      })
    })
  })
}
