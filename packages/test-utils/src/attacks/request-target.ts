import { connect } from 'node:net'
import { createGuard, type GuardOptions, type LeakguardEvent } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, HeaderBearer } from '../harness.js'
import { appRunner, getRoute as route, SECRET } from '../helpers.js'
import { HS_AUTH, HS_SECRET, signToken } from '../tokens.js'

/** A response read off a raw socket, for request targets `fetch` would normalise first. */
interface RawAnswer {
  readonly status: number
  readonly text: string
}

/** Sends `METHOD target HTTP/1.1` exactly as written, and reads the whole answer. */
export function sendTarget(
  url: string,
  target: string,
  { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${lines.join('\r\n')}\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({ status, text })
    })
  })
}

const profile = () => ({ id: 1, name: 'Ada', ssn: SECRET })

/** Every spelling of `/me` a client can send, and targets routers read differently. */
function variants(url: string): string[] {
  const { host } = new URL(url)
  return [
    '/me',
    `http://${host}/me`,
    `HTTP://${host}/me`,
    'https://attacker.example/me',
    'http://attacker.example:1/me?x=1',
    '/me#x',
    '/me#/x/y',
    '/me?x#y',
    '/ME',
    '/Me/',
    '//me',
    '/%6De',
    '/%6d%65/',
    '/me;x',
    '/me;/x',
    '/x/../me',
    '/x/%2e%2e/me',
    '/./me',
    '/me%2F',
    '/me%2fx',
    '/me%00',
    '/me%5c',
    '/me%zz',
    '/me%C3',
  ]
}

/**
 * Request-target divergence: absolute-form targets, fragments, `;`, case, slashes, encodings and
 * dot segments must reach the policy of the route the framework serves, share its rate-limit
 * bucket, or be refused with 400; never reach the handler past `auth` or the allowlist.
 */
export function runRequestTargetAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)
  /** An app whose counted route serves the profile at `path` (`/me` unless given), and `/public`. */
  const scenario = async (
    options: GuardOptions<HeaderBearer>,
    run: (url: string, handled: () => number) => Promise<void>,
    prefix?: string,
    path = '/me',
  ): Promise<LeakguardEvent[]> => {
    const events: LeakguardEvent[] = []
    const guard = createGuard<HeaderBearer>({
      ...options,
      audit: { onEvent: (event) => void events.push(event) },
    })
    let calls = 0
    const routes = [
      route(path, () => {
        calls++
        return profile()
      }),
      route('/public', () => ({ ok: true })),
    ]
    await withApp({ leakguard: guard, routes, ...(prefix === undefined ? {} : { prefix }) }, (url) =>
      run(url, () => calls),
    )
    await guard.flush()
    return events
  }

  describe('attack: request targets the router reads differently', () => {
    it('never serves a protected route without a token, whatever the spelling of its target', async () => {
      const options = {
        auth: { ...HS_AUTH, default: 'public' as const },
        routes: { 'GET /me': { auth: {}, allow: ['$.id'] } },
      }
      const events = await scenario(options, async (url, handled) => {
        for (const target of variants(url)) {
          const res = await sendTarget(url, target)
          expect([400, 401, 404], `${target} -> ${res.status}`).toContain(res.status)
          expect(res.text, target).not.toContain(SECRET)
        }
        expect(handled()).toBe(0)
      })
      const invalid = events.filter((event) => event.type === 'request.invalid_target')
      expect(invalid.length).toBeGreaterThan(5)
      expect(JSON.stringify(invalid)).not.toContain('attacker.example')
    })

    it('applies the allowlist of the route the framework serves, whatever the spelling', async () => {
      const token = await signToken(HS_SECRET, { claims: { sub: 'user-1' } })
      await scenario({ auth: HS_AUTH, routes: { 'GET /me': { allow: ['$.id'] } } }, async (url) => {
        for (const target of variants(url)) {
          const res = await sendTarget(url, target, { headers: { authorization: `Bearer ${token}` } })
          expect(res.text, target).not.toContain(SECRET)
          if (res.status === 200) expect(res.text, target).toMatch(/\{"id":1\}\s*$/)
        }
      })
    })

    it('reads targets under a mount prefix (Express router, Koa router prefix, Fastify prefix) the same way', async () => {
      const options = {
        auth: { ...HS_AUTH, default: 'public' as const },
        routes: { 'GET /api/me': { auth: {}, allow: ['$.id'] } },
      }
      const targets = (host: string) => [
        '/api/me',
        `http://${host}/api/me`,
        '/API/Me/',
        '//api//me',
        '/api/me#x',
        '/%61pi/me',
      ]
      await scenario(
        options,
        async (url, handled) => {
          for (const target of targets(new URL(url).host)) {
            const res = await sendTarget(url, target)
            expect([400, 401, 404], `${target} -> ${res.status}`).toContain(res.status)
            expect(res.text, target).not.toContain(SECRET)
          }
          expect(handled()).toBe(0)
        },
        '/api',
      )
    })

    it('counts every spelling of a route in one rate-limit bucket', async () => {
      const options = {
        routes: {
          'GET /me': {
            allow: ['$.id'],
            rateLimit: { limits: [{ limit: 3, window: '1m' }], key: 'route' as const },
          },
        },
      }
      await scenario(options, async (url, handled) => {
        const statuses: number[] = []
        const { host } = new URL(url)
        for (const target of ['/me', `http://${host}/me`, '/ME', '/me/', '/me#x', '/%6de']) {
          statuses.push((await sendTarget(url, target)).status)
        }
        expect(statuses.filter((status) => status === 429).length, statuses.join(',')).toBeGreaterThanOrEqual(
          3,
        )
        expect(handled()).toBeLessThanOrEqual(3)
      })
    })

    it('never serves a route whose first segment is a parameter through an authority spilt into the path', async () => {
      // url.parse (Express, Koa) moves a host part that is no port or no host character into the
      // path: `http://h:acme/me` is routed as `/:acme/me`, i.e. `/:tenant/me` with tenant ":acme".
      const events = await scenario(
        {
          auth: { ...HS_AUTH, default: 'public' },
          routes: { 'GET /:tenant/me': { auth: {}, allow: ['$.id'] } },
        },
        async (url, handled) => {
          for (const target of [
            'http://h:acme/me',
            'http://a:b@h:acme/me',
            'http://:acme/me',
            'http://h:1:2/me',
            'http://h:5x/me',
            'http://h%41/me',
            "http://h'x/me",
            'http://h|x/me',
            'http://[::1]x/me',
            'javascript://acme/me',
            // Origin-form: parseurl hands a target with `#` to url.parse, which reads `//u@h`.
            '//u@h/acme/me#x',
            '//u:p@h:1/acme/me#',
          ]) {
            const res = await sendTarget(url, target)
            expect([400, 401, 404], `${target} -> ${res.status}`).toContain(res.status)
            expect(res.text, target).not.toContain(SECRET)
          }
          expect(handled()).toBe(0)
        },
        undefined,
        '/:tenant/me',
      )
      expect(events.filter((event) => event.type === 'request.invalid_target').length).toBeGreaterThan(0)
    })

    it('refuses a target no router reads the same way with a 400 problem, before the handler', async () => {
      const events = await scenario({}, async (url, handled) => {
        for (const target of ['/me;x', '/x/../me', '/me%2Fx', '/me%zz', '/me%00', '/x/%2E%2e/me']) {
          const res = await sendTarget(url, target)
          // Fastify refuses malformed percent-encoding itself, before any hook: a 400 all the same.
          expect(res.status, target).toBe(400)
        }
        expect(handled()).toBe(0)
      })
      expect(events.filter((event) => event.type === 'request.invalid_target').length).toBeGreaterThanOrEqual(
        4,
      )
    })
  })
}
