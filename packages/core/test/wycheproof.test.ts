import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type AuthOptions, createVerifier, LeakguardAuthError, type Verifier } from '../src/index.js'

interface Vector {
  tcId: number
  comment: string
  jws: string
  result: 'valid' | 'invalid'
  flags: string[]
}
interface Group {
  public?: Record<string, unknown> & { keys?: Record<string, unknown>[] }
  private?: Record<string, unknown>
  tests: Vector[]
}

const { testGroups } = JSON.parse(
  readFileSync(new URL('./wycheproof/json_web_signature_test.json', import.meta.url), 'utf8'),
) as { testGroups: Group[] }

/** The documented anomalies of these vectors (./wycheproof/README.md): tcId -> reason. */
const EXPECTED_EXCEPTIONS: ReadonlyMap<number, string> = new Map([
  [367, 'invalid, but byte-identical to the valid tcId 357'],
  [370, 'invalid, but byte-identical to the valid tcId 357'],
  [372, 'valid, but its header segment holds "?", which is not base64url'],
  [373, 'valid, but its payload segment holds "?", which is not base64url'],
  [346, 'valid, but a PS384 token checked with a JWK whose alg is PS256 (as in the invalid tcId 340)'],
  [350, 'valid, but a PS384 token checked with a JWK whose alg is PS256 (as in the invalid tcId 340)'],
  [347, 'valid, but the JWK alg is "ES521", not the registered ES512'],
  [351, 'valid, but the JWK alg is "ES521", not the registered ES512'],
])

const ALGORITHMS_FOR: Record<string, AuthOptions['algorithms']> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'EC:P-256': ['ES256'],
  'EC:P-384': ['ES384'],
  'EC:P-521': ['ES512'],
  'OKP:Ed25519': ['EdDSA', 'Ed25519'],
}

/** A verifier for one group: its public keys as a local JWKS, or its shared secret. */
function verifierFor(group: Group): Verifier {
  const base = { issuer: false, audience: false, cache: false } as const
  if (group.public === undefined) {
    const secret = Buffer.from(group.private!.k as string, 'base64url')
    return createVerifier({ ...base, algorithms: ['HS256'], secret })
  }
  const keys = group.public.keys ?? [group.public]
  const algorithms = [
    ...new Set(
      keys.flatMap((key) => ALGORITHMS_FOR[key.crv ? `${key.kty}:${key.crv}` : (key.kty as string)] ?? []),
    ),
  ]
  return createVerifier({ ...base, algorithms, jwks: { keys } as never })
}

type Stage = 'format' | 'key' | 'signature' | 'claims' | 'accepted' | 'config'

async function stageOf(group: Group, token: string): Promise<Stage> {
  let verifier: Verifier
  try {
    verifier = verifierFor(group)
  } catch {
    return 'config'
  }
  try {
    await verifier.verify(token)
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(LeakguardAuthError)
    return (error as LeakguardAuthError).stage as Stage
  }
}

describe('Wycheproof JWS vectors (json_web_signature_test.json)', () => {
  const cases = testGroups.flatMap((group) => group.tests.map((vector) => ({ group, vector })))

  it('holds the 401 cases the conformance counts are about', () => {
    expect(cases.filter((c) => c.vector.result === 'valid')).toHaveLength(46)
    expect(cases.filter((c) => c.vector.result === 'invalid')).toHaveLength(355)
  })

  it('rejects 353/355 invalid cases at the format, key or signature stage, and passes 40/46 valid cases past the signature stage', async () => {
    let invalidRejected = 0
    let validPassed = 0
    const surprises: string[] = []
    for (const { group, vector } of cases) {
      const stage = await stageOf(group, vector.jws)
      const rejectedEarly =
        stage === 'format' || stage === 'key' || stage === 'signature' || stage === 'config'
      const conforming = vector.result === 'invalid' ? rejectedEarly : !rejectedEarly
      if (vector.result === 'invalid' && rejectedEarly) invalidRejected++
      if (vector.result === 'valid' && !rejectedEarly) validPassed++
      if (conforming === EXPECTED_EXCEPTIONS.has(vector.tcId)) {
        surprises.push(`tcId ${vector.tcId} (${vector.result}, ${vector.comment}): ${stage}`)
      }
    }
    expect(surprises).toEqual([])
    expect(invalidRejected).toBe(353)
    expect(validPassed).toBe(40)
  })

  it('rejects the valid cases it excepts for the reason given', async () => {
    const byId = new Map(cases.map((c) => [c.vector.tcId, c]))
    expect(await stageOf(byId.get(372)!.group, byId.get(372)!.vector.jws)).toBe('format')
    expect(await stageOf(byId.get(373)!.group, byId.get(373)!.vector.jws)).toBe('format')
    for (const id of [346, 350, 347, 351]) {
      expect(await stageOf(byId.get(id)!.group, byId.get(id)!.vector.jws)).toBe('key')
    }
    expect(byId.get(367)!.vector.jws).toBe(byId.get(357)!.vector.jws)
    expect(byId.get(370)!.vector.jws).toBe(byId.get(357)!.vector.jws)
  })
})
