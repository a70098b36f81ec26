import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { start } from '@leakguard/example-koa-app'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const BIN = fileURLToPath(new URL('../bin/leakguard.js', import.meta.url))
const OPENAPI = fileURLToPath(new URL('../../../examples/shop/openapi.json', import.meta.url))

// The command as installed: bin/leakguard.js runs the built dist/ (pnpm test builds first).
it('runs as a command: a JSON report on stdout and the gate in the exit status', async () => {
  const app = await start({ protect: false })
  try {
    const failed = await run(process.execPath, [
      BIN,
      'scan',
      app.url,
      '--openapi',
      OPENAPI,
      '--format',
      'json',
      '--rate',
      '0',
    ]).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toBe('')
    const report = JSON.parse(failed!.stdout)
    expect(report.findings.some((f: { rule: string }) => f.rule === 'missing-auth')).toBe(true)
    const help = await run(process.execPath, [BIN, '--help'])
    expect(help.stdout).toMatch(/^Usage: leakguard scan <base-url>/)
  } finally {
    await app.close()
  }
})
