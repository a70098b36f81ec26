import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { createRedactor } from '../redact/index.js'
import { listSecretNames, secretShapeOf } from './secret-shapes.js'

const redactor = createRedactor({ knownSecrets: false })
const guard = createGuard({ redact: { knownSecrets: false } })
/** Both walkers: redact() (the projection) and a response (the serializer). */
function both(body: unknown): [unknown, unknown] {
  const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
  const written = guard.serializeResponse(context, { status: 200, body })
  return [redactor.redact(body), JSON.parse(String((written as { payload: string }).payload))]
}

describe('objects whose shape says which members are secret', () => {
  it('masks the private members of a JWK, and leaves a public key as it is', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' })
    const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
    for (const out of both({
      keys: [jwk, rsa, { kty: 'oct', k: 'c2VjcmV0LWtleS1tYXRlcmlhbA' }],
      pub: publicJwk,
    })) {
      const text = JSON.stringify(out)
      for (const secret of [jwk.d, rsa.d, rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi, 'c2VjcmV0LWtleS1tYXRlcmlhbA'])
        expect(text).not.toContain(secret)
      expect((out as { pub: unknown }).pub).toEqual(publicJwk)
      expect(text).toContain(String(jwk.x))
    }
  })

  it('masks the value of a name/value pair named for a secret, in every spelling of the pair', () => {
    const body = {
      env: [
        { name: 'DB_PASSWORD', value: 'Zq9x7Kp2mW9vR4tL' },
        { name: 'PORT', value: '8080' },
        { Name: 'apiToken', Value: 'tok-Zq9x7Kp2mW9vR4tL' },
        { Key: 'Owner', Value: 'ada' },
        { name: 'client_secret', value: { nested: 'Zq9x7Kp2mW9vR4tL-2' } },
        { name: 'password', value: 123456789 },
      ],
    }
    for (const out of both(body)) {
      const text = JSON.stringify(out)
      expect(text).not.toMatch(/Zq9x7Kp2mW9vR4tL|123456789/)
      expect(text).toContain('"8080"')
      expect(text).toContain('"ada"')
    }
  })

  it('masks the values of patches, diffs, parameters and password fields that name a secret', () => {
    // A red-team pass: change logs and provisioning calls carry the secret's name in a member
    // of its own, and its value (old and new) beside it.
    const S = 'Zq7Kx82Lm91w'
    const body = {
      scim: { Operations: [{ op: 'replace', path: 'password', value: S }] },
      patch: [
        { op: 'add', path: '/credentials/apiKey', value: `${S}-1` },
        { op: 'replace', path: '/name', value: 'Ada' },
      ],
      audit: [
        { field: 'password', old: `${S}-2`, new: `${S}-3` },
        { field: 'email_verified', old: false, new: true },
      ],
      diff: [{ key: 'api_key', from: `${S}-4`, to: `${S}-5` }],
      cloudformation: [
        { ParameterKey: 'DbPassword', ParameterValue: `${S}-6` },
        { ParameterKey: 'Stage', ParameterValue: 'prod' },
      ],
      form: [
        { label: 'Secret word', type: 'password', value: `${S}-7` },
        { label: 'City', type: 'text', value: 'Graz' },
      ],
      // An audit row (7 members), Salesforce's field history, a patch naming its operation, a
      // path with a trailing slash.
      row: { id: 1, at: 't', actor: 'ada', ip: '10.0.0.1', field: 'password', old: `${S}-8`, new: `${S}-9` },
      history: { Field: 'Password__c', OldValue: `${S}-10`, NewValue: `${S}-11` },
      named: [{ name: 'rotate', op: 'replace', path: '/apiKey/', value: `${S}-12` }],
      dependencies: [{ name: 'jsonwebtoken', from: '8.5.1', to: '9.0.0' }],
      docs: { path: '/v1/tokens', value: 'List tokens' },
    }
    for (const out of both(body)) {
      const text = JSON.stringify(out)
      expect(text).not.toContain(S)
      for (const kept of ['"Ada"', '"prod"', '"Graz"', '"new":true', '"9.0.0"', '"List tokens"'])
        expect(text).toContain(kept)
    }
  })

  it("masks a Kubernetes Secret's data whole, and leaves a ConfigMap's", () => {
    // A red-team pass: a dashboard or an API proxy that lists Secrets sent their base64 values.
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'prod' },
      type: 'Opaque',
      data: { api: Buffer.from('q8Zr4Kx2Lm9Wn3Vb7Yt6Pc1S').toString('base64'), username: 'YWRh' },
      stringData: { note: 'plain-secret-value' },
    }
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { color: 'blue' },
    }
    for (const out of both({ items: [secret], configMap })) {
      const text = JSON.stringify(out)
      for (const value of Object.values({ ...secret.data, ...secret.stringData }))
        expect(text).not.toContain(value)
      expect(text).toContain('"namespace":"prod"')
      expect(text).toContain('"color":"blue"')
    }
  })

  it('reads a shape once per set of names: most objects have none', () => {
    expect(secretShapeOf(['id', 'name', 'email'])).toBeNull()
    expect(secretShapeOf(['kty', 'n', 'e'])).toBeNull()
    expect(secretShapeOf(['kty', 'd'])).toEqual({ jwk: true, nameKey: undefined, valueKeys: undefined })
    expect(secretShapeOf(['name', 'value'])).toEqual({ jwk: false, nameKey: 'name', valueKeys: ['value'] })
    // A record with many members that happens to have both is not a pair.
    expect(secretShapeOf(['id', 'name', 'value', 'a', 'b', 'c', 'd', 'e', 'f'])).toBeNull()
    // A name with a diff's sides or a counter is a dependency or a metric, not a secret's pair
    // (a re-attack pass); a path without an `op` is a route, not a patch.
    expect(secretShapeOf(['name', 'from', 'to'])).toBeNull()
    expect(secretShapeOf(['name', 'current'])).toBeNull()
    expect(secretShapeOf(['name', 'values'])).toBeNull()
    expect(secretShapeOf(['path', 'value'])).toBeNull()
    expect(secretShapeOf(['type', 'from', 'to'])).toBeNull()
  })

  it('masks the values lists name themselves: entries and raw headers, in both walkers', () => {
    // A red-team leftover: an echo of `req.rawHeaders` or `[...headers]` sent an API key and a
    // password in the element after their names.
    const key = 'q8Zr2LmX0pVt7WcN4sKd9Hf1'
    const body = {
      rawHeaders: ['Host', 'api.example', 'X-Api-Key', key, 'X-Password', 'Hunter2pass', 'Accept', '*/*'],
      short: ['Host', 'api.example', 'X-Auth-Token', key],
      entries: [
        ['Accept', '*/*'],
        ['X-Api-Key', key],
        ['pin', 4471],
      ],
      // Lists of names, tags and numbers stay as they are.
      required: ['password', 'email'],
      tags: ['blue', 'green', 'red', 'x'],
      grid: [
        [1, 2],
        [3, 4],
      ],
    }
    for (const out of both(body))
      expect(out).toEqual({
        rawHeaders: [
          'Host',
          'api.example',
          'X-Api-Key',
          '[REDACTED]',
          'X-Password',
          '[REDACTED]',
          'Accept',
          '*/*',
        ],
        short: ['Host', 'api.example', 'X-Auth-Token', '[REDACTED]'],
        entries: [
          ['Accept', '*/*'],
          ['X-Api-Key', '[REDACTED]'],
          ['pin', '[REDACTED]'],
        ],
        required: ['password', 'email'],
        tags: ['blue', 'green', 'red', 'x'],
        grid: [
          [1, 2],
          [3, 4],
        ],
      })
  })

  it('masks what a list names in every shape a re-attack pass tried: HTTP/2, containers, slices', async () => {
    const key = 'S3cr3tV4lue'
    // HTTP/2's raw headers lead with pseudo-headers; a named container is secret whole.
    expect(
      both({ raw: [':method', 'GET', ':path', '/', ':authority', 'api.example', 'x-api-key', key] }),
    ).toEqual(
      Array(2).fill({
        raw: [':method', 'GET', ':path', '/', ':authority', 'api.example', 'x-api-key', '[REDACTED]'],
      }),
    )
    expect(
      both({
        h: [
          ['host', 'h'],
          ['authorization', [`Bearer ${key}`, { v: key }]],
        ],
      }),
    ).toEqual(
      Array(2).fill({
        h: [
          ['host', 'h'],
          ['authorization', ['[REDACTED]', { v: '[REDACTED]' }]],
        ],
      }),
    )
    // A list of 64 objects and more is written in slices by a response in turns.
    const rows: unknown[] = Array.from({ length: 70 }, (_, i) => ({ id: i }))
    rows.push('--password', key)
    const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
    const inTurns = await guard.serializeResponseInTurns(context, { status: 200, body: { rows } })
    expect(String(inTurns.payload)).not.toContain(key)
    expect(String(inTurns.payload)).toContain('"--password","[REDACTED]"')
    // A lone entry, as a filtered Object.entries gives it.
    expect(both({ env: [['DB_PASSWORD', key]] })).toEqual(
      Array(2).fill({ env: [['DB_PASSWORD', '[REDACTED]']] }),
    )
    // Lists of header names, not of names and values: CORS's, a CSV header row; a pair of words.
    for (const body of [
      { pair: [['password', 'email']] },
      { allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Origin'] },
      { rows: [['date', 'host', 'token', 'status']] },
    ])
      expect(both(body)).toEqual([body, body])
  })

  it('reads a list for names only when it is a list of entries or of raw headers', () => {
    const secret = (name: string) => /key|password|token/i.test(name)
    const entries = [
      ['Accept', '*/*'],
      ['X-Api-Key', 'v'],
    ]
    expect(listSecretNames(['X-Api-Key', 'v'], entries, secret)).toEqual([null, 'X-Api-Key'])
    // A pair that is not in a list is a list of two names (`required: [...]`); one alone in a
    // list, or among other things, is no entry.
    expect(listSecretNames(['password', 'email'], null, secret)).toBeNull()
    expect(listSecretNames(['password', 'email'], [['password', 'email']], secret)).toBeNull()
    // A lone entry named as a key is, with a value that reads as one (a filtered Object.entries).
    expect(listSecretNames(['X-Api-Key', 'S3cr3tV4lue'], [['X-Api-Key', 'S3cr3tV4lue']], secret)).toEqual([
      null,
      'X-Api-Key',
    ])
    expect(listSecretNames(['DB_PASSWORD', 'hunter2!'], [[]], secret)).toEqual([null, 'DB_PASSWORD'])
    expect(listSecretNames(['X-Api-Key', 'none'], [[]], secret)).toBeNull()
    expect(listSecretNames(['password', 'S3cr3tV4lue'], [[]], secret)).toBeNull()
    expect(listSecretNames(['password', 'email'], [['password', 'email'], 'x'], secret)).toBeNull()
    expect(listSecretNames(['Accept', 'v'], entries, secret)).toBeNull()
    // Configuration keys and labels are written with spaces and colons too.
    expect(listSecretNames(['API Key', 'v'], entries, secret)).toEqual([null, 'API Key'])
    expect(listSecretNames(['aws:secretAccessKey', 'v'], entries, secret)).toEqual([
      null,
      'aws:secretAccessKey',
    ])
    expect(listSecretNames(['Host', 'h', 'X-Token', 't'], null, secret)).toEqual([
      null,
      null,
      null,
      'X-Token',
    ])
    // Names that are no header's, no common header among the first, an odd length: not headers.
    expect(listSecretNames(['password', 'a', 'token', 'b'], null, secret)).toBeNull()
    expect(listSecretNames(['x y', 'a', 'Host', 'b'], null, secret)).toBeNull()
    expect(listSecretNames(['Host', 'h', 'X-Token'], null, secret)).toBeNull()
    expect(listSecretNames([{}, 'a', 'b', 'c'], null, secret)).toBeNull()
    // A command's arguments: a long option's name is a word (a PEM armour's dashes are none).
    expect(listSecretNames(['tool', '--token', 't', '--v'], null, secret)).toEqual([
      null,
      null,
      'token',
      null,
    ])
    expect(listSecretNames(['-----BEGIN PRIVATE KEY-----\n...', 'keep'], entries, secret)).toBeNull()
    expect(listSecretNames(['-----BEGIN PRIVATE KEY-----', 'keep', 'x'], entries, secret)).toBeNull()
  })
})
