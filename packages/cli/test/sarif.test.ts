import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { start } from '@leakguard/example-express-app'
import AjvDraft04 from 'ajv-draft-04'
import addFormats from 'ajv-formats'
import { expect, it } from 'vitest'
import { runCli } from '../src/cli.js'
import { RULE_LIST } from '../src/rules.js'
import { capture } from './io.js'

const schema = JSON.parse(
  readFileSync(new URL('./fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
)
const OPENAPI = fileURLToPath(new URL('../../../examples/shop/openapi.json', import.meta.url))

it('writes SARIF 2.1.0 that validates against the OASIS schema', async () => {
  // CommonJS default export: `.default` under NodeNext typings.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false })
  addFormats.default(ajv)
  const validate = ajv.compile(schema)
  const app = await start({ protect: false })
  try {
    const io = capture()
    const status = await runCli(
      ['scan', app.url, '--openapi', OPENAPI, '--format', 'sarif', '--rate', '0'],
      io,
    )
    expect(status).toBe(1)
    const log = JSON.parse(io.out())
    const valid = validate(log)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    const run = log.runs[0]
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULE_LIST.map((r) => r.id))
    expect(run.results.length).toBeGreaterThan(10)
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId)
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(OPENAPI)
      expect(result.partialFingerprints['leakguardFinding/v1']).toMatch(/^[0-9a-f]{64}$/)
    }
    const exposure = run.results.find((r: { ruleId: string }) => r.ruleId === 'LG102')
    expect(exposure.webRequest).toMatchObject({ method: 'GET' })
    expect(exposure.webResponse).toEqual({ statusCode: 200 })
    // Not valid SARIF: the validator does catch mistakes.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false)
  } finally {
    await app.close()
  }
})
