// What every HTTP benchmark setup must do before its figure counts (also run by test/bench.test.ts).
import { SENTINEL_HASH } from '@leakguard/fixtures'

/**
 * Checks one setup: 200 with a valid token; the bare server sends the password hash of the
 * reference body and no protected one does; the full and peer stacks answer 401 without a token
 * and with a forged signature; leakguard's full stack sends RateLimit headers.
 * @throws Error naming what is wrong
 */
export async function checkSetup(name, config, url, authorization) {
  const fail = (why) => {
    throw new Error(`${name}: ${why}`)
  }
  const res = await fetch(url, { headers: { authorization } })
  const text = await res.text()
  if (res.status !== 200) fail(`expected 200 with a valid token, got ${res.status}`)
  if (config === 'bare' && !text.includes(SENTINEL_HASH)) fail('the bare server should send the whole body')
  if (config !== 'bare' && text.includes(SENTINEL_HASH)) fail('a protected server sent a password hash')
  if (config === 'full' || config === 'peer') {
    for (const headers of [{}, { authorization: `${authorization.slice(0, -4)}AAAA` }]) {
      const refused = await fetch(url, { headers })
      await refused.arrayBuffer()
      if (refused.status !== 401) fail(`expected 401 without a valid token, got ${refused.status}`)
    }
  }
  if (config === 'full' && !/"/.test(res.headers.get('ratelimit') ?? '')) fail('no RateLimit header')
}
