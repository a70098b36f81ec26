import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import type { RouteOptions } from '../options.js'

const part = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const jwt = (payload: unknown) => `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`

/** The decision for a login answering `body`, on a route declared with `route`. */
function login(body: unknown, route: RouteOptions = { issuesTokens: true }) {
  const guard = createGuard({ routes: { 'POST /login': route } })
  const context = guard.startRequest({ method: 'POST', path: '/login', native: undefined })
  return guard.serializeResponse(context, { status: 200, body })
}

describe('tokens a route issues: what their payload carries', () => {
  it('checks a token nested in a claim without looping (an upstream access_token copied in)', () => {
    const nested = jwt({ sub: '1', id_token: jwt({ sub: 'u' }) })
    const decision = login({ access_token: nested, token_type: 'Bearer' })
    expect(decision.blocked).toBe(false)
    expect(String((decision as { payload: string }).payload)).toContain(nested)
  })

  it('reads the claims of a token glued after a prefix (`v1-eyJ...`) as of any other', () => {
    const leaky = jwt({
      sub: '1',
      passwordHash: '$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012',
    })
    expect(login({ access_token: `v1-${leaky}` }).blocked).toBe(true)
    expect(login({ access_token: `v1_${jwt({ sub: '1', role: 'customer' })}` }).blocked).toBe(false)
    // Any payload, as for a token not glued: an array or a string of what must not leave.
    expect(login({ access_token: `v1-${jwt(['victim@example.com'])}` }).blocked).toBe(true)
    expect(login({ access_token: `v1-${jwt('card 4111111111111111')}` }).blocked).toBe(true)
  })

  it('blocks a nested token whose own claims leak, and tokens nested past a few levels', () => {
    expect(login({ access_token: jwt({ sub: '1', id_token: jwt({ password: 'Hunter2x!' }) }) }).blocked).toBe(
      true,
    )
    let deep = jwt({ sub: 'x' })
    for (let i = 0; i < 6; i++) deep = jwt({ sub: String(i), id_token: deep })
    expect(login({ access_token: deep }).blocked).toBe(true)
  })

  it('refuses a chain nested too deep even after a shorter part of it was read clean in the body', () => {
    // A red-team pass: a string read clean is remembered for the response; read again inside a
    // token's claims, it must be checked again, at its depth.
    const chain = [jwt({ sub: 'x' })]
    for (let i = 0; i < 8; i++) chain.push(jwt({ sub: String(i), id_token: chain[i]! }))
    expect(login([{ access_token: chain[3] }]).blocked).toBe(false)
    expect(login([{ access_token: chain[4] }]).blocked).toBe(true)
    expect(login([{ access_token: chain[3] }, { access_token: chain[4] }]).blocked).toBe(true)
    expect(
      login([{ access_token: chain[2] }, { access_token: chain[3] }, { access_token: chain[8] }]).blocked,
    ).toBe(true)
  })

  it('reads registered claims for secrets (not for names), claim strings as JSON text, and text payloads', () => {
    expect(login({ token: jwt({ sub: 'u1', jti: '4111 1111 1111 1111' }) }).blocked).toBe(true)
    expect(login({ token: jwt({ sub: 'u1', data: '{"secrets":["letmein1"]}' }) }).blocked).toBe(true)
    expect(login({ token: jwt('{"credentials":{"u":"bob","p":"letmein"}}\u0000') }).blocked).toBe(true)
    expect(login({ token: jwt({ sub: 'u1', nonce: 'n-0S6_WzA2Mj' }) }).blocked).toBe(false)
  })

  it('blocks a payload that names a claim twice: a reader keeps the last, the token carries both', () => {
    const dup = (text: string) => `${part({ alg: 'HS256' })}.${part(text)}.c2lnbmF0dXJl`
    expect(login({ token: dup('{"sub":"1","password":"hunter2Zq9","password":null}') }).blocked).toBe(true)
    expect(login({ token: dup('{"sub":"1","pass\\u0077ord":"hunter2Zq9","password":null}') }).blocked).toBe(
      true,
    )
    expect(
      login(
        { token: dup('{"sub":"1","p":{"x":"Zq9x7Kp2","x":1}}') },
        { issuesTokens: true, issuedTokenClaims: ['sub', 'p'] },
      ).blocked,
    ).toBe(true)
    // The same name in two objects is no duplicate.
    expect(login({ token: dup('{"sub":"1","a":{"n":1},"b":{"n":2}}') }).blocked).toBe(false)
  })

  it('with issuedTokenClaims, blocks any payload that is not an object', () => {
    const route = { issuedTokenClaims: ['role'] }
    expect(login({ token: jwt(['a']) }, route).blocked).toBe(true)
    expect(login({ token: jwt('role=admin') }, route).blocked).toBe(true)
    expect(login({ token: jwt({ sub: '1', role: 'admin' }) }, route).blocked).toBe(false)
  })
})

describe('LEAKGUARD_TOKEN_CLAIM_BLOCKED', () => {
  async function warnings(payload: unknown): Promise<string[]> {
    const events: Array<{ type: string; warning?: { code: string; message: string } }> = []
    const guard = createGuard({
      routes: { 'POST /login': { issuesTokens: true } },
      audit: { onEvent: (event) => void events.push(event) },
    })
    const context = guard.startRequest({ method: 'POST', path: '/login', native: undefined })
    guard.serializeResponse(context, { status: 200, body: { token: jwt(payload) } })
    await guard.flush()
    return events
      .filter((e) => e.warning?.code === 'LEAKGUARD_TOKEN_CLAIM_BLOCKED')
      .map((e) => e.warning!.message)
  }

  it('names the line that lists a top-level claim, and says a nested one can only be left out', async () => {
    const [top] = await warnings({ sub: '1', email: 'ada@example.com' })
    expect(top).toContain('issuedTokenClaims: ["email", ...]')
    expect(top).not.toContain('ada@example.com')
    const [nested] = await warnings({ sub: '1', data: { password: 'Hunter2x!' } })
    expect(nested).toContain('"data.password"')
    expect(nested).toContain('Leave it out of the token')
    expect(nested).not.toContain('Hunter2x!')
  })
})
