import { constants, readFileSync } from 'node:fs'
import { access, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ScanError } from './errors.js'
import { loadOpenAPI } from './load-openapi.js'
import { toJson } from './report/json.js'
import { toSarif } from './report/sarif.js'
import { printable, toTable } from './report/table.js'
import { atLeast, SEVERITIES, type Severity } from './rules.js'
import { DEFAULT_LIMITS, type ScanReport, scanApi } from './scan.js'

/** Where the CLI writes; `process` in the binary, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number }
  readonly stderr: { write(text: string): unknown; isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal
}

export const HELP = `Usage: leakguard scan <base-url> [options]

Audits a running API for data leaks: walks its documented routes (GET only) and a list of
well-known shadow paths, and reports secrets and personal data in responses, members the
OpenAPI document does not name, stack traces and SQL in error bodies, routes that answer
without credentials, a missing rate limit, sequential ids and missing transport headers.
It sends a bounded number of requests, and only to loopback hosts unless --allow-host names
the host: scan only APIs you are allowed to test.

<base-url> is the URL the document's paths are relative to, e.g. http://127.0.0.1:3000/api
(a bare origin such as http://127.0.0.1:3000 takes the path of the document's first server).

Options:
  --openapi <file|url>   OpenAPI 3.0/3.1 document (JSON or YAML, external $refs bundled):
                         the routes to walk, their examples, security and response schemas.
                         Without it, the scan checks / and the --path and shadow paths.
  --token <token>        Bearer token sent as "Authorization: Bearer <token>" on the walk
                         (default: the LEAKGUARD_SCAN_TOKEN environment variable). Routes the
                         document protects are requested again without it.
  --header <name: value> A credential header sent like --token (an API key, a cookie);
                         repeatable. Values are never printed.
  --param <name=value>   Value of a path or required query parameter, over the document's
                         examples (e.g. --param id=42); repeatable.
  --path <path>          Another path to GET and check (e.g. --path /users/1); repeatable.
  --allow-host <host>    A non-loopback host the scan may send requests to (example.com,
                         or *.example.com for its subdomains); repeatable.
  --format <format>      table (default), json or sarif (SARIF 2.1.0, for code scanning).
  --output <file>        Write the report to <file> instead of standard output.
  --fail-on <severity>   Exit with 1 when a finding is at least this severe: high,
                         medium (default), low, info, or never.
  --max-requests <n>     Requests sent at most, bursts included (default ${DEFAULT_LIMITS.maxRequests}, at most 10000).
  --rate <n>             Requests per second at most outside the burst (default ${DEFAULT_LIMITS.rate}; 0: unpaced).
  --timeout <ms>         How long one request may take (default ${DEFAULT_LIMITS.timeoutMs}).
  --burst <n>            Requests sent at once to see a rate limit (default 30; 0: skip the check).
  --no-probes            Do not send malformed path parameters to GET routes.
  --probe-writes         Also send a JSON body cut short to documented POST/PUT/PATCH/DELETE
                         operations (their handlers could run: use on test instances only).
  --no-shadow            Do not request shadow paths (/.env, /actuator/env, older versions...).
  --quiet                No progress line.
  --no-color             No colors in the table (also when NO_COLOR is set).
  -h, --help             This help.
  -v, --version          The version.

Exit status: 0 no finding at or above --fail-on, 1 findings at or above it, 2 the scan could
not run (bad arguments, unreadable document, unreachable or disallowed target).
`

const OPTIONS = {
  openapi: { type: 'string' },
  token: { type: 'string' },
  header: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  path: { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  format: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string' },
  'max-requests': { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  burst: { type: 'string' },
  'no-probes': { type: 'boolean' },
  'probe-writes': { type: 'boolean' },
  'no-shadow': { type: 'boolean' },
  quiet: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

const usage = (message: string) =>
  new ScanError('ERR_LG_SCAN_USAGE', `${message} (see leakguard scan --help)`)

function integer(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usage(`--${flag} takes a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`)
  return Number(value)
}

/** `Name: value` -> [name, value], refusing what would not be a valid header. */
function header(text: string): [string, string] {
  const colon = text.indexOf(':')
  const name = colon > 0 ? text.slice(0, colon).trim() : ''
  const value = colon > 0 ? text.slice(colon + 1).trim() : ''
  if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(name) || !/^[\t\x20-\x7e]*$/.test(value))
    throw usage(`--header takes "Name: value", got a header whose name or value is not valid`)
  return [name.toLowerCase(), value]
}

function pair(text: string, flag: string): [string, string] {
  const equals = text.indexOf('=')
  if (equals <= 0) throw usage(`--${flag} takes name=value, got ${JSON.stringify(text)}`)
  return [text.slice(0, equals), text.slice(equals + 1)]
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** A progress line on a terminal: rewritten in place, cleared at the end. */
function progressLine(stream: CliIo['stderr'], enabled: boolean) {
  let shown = false
  return {
    update(sent: number, planned: number, label: string) {
      if (!enabled) return
      const total = Math.max(planned, sent)
      const width = String(total).length
      stream.write(`\r\u001b[K[${String(sent).padStart(width)}/${total}] ${printable(label).slice(0, 70)}`)
      shown = true
    },
    clear() {
      if (shown) stream.write('\r\u001b[K')
      shown = false
    },
  }
}

/**
 * Runs `leakguard <argv>`; resolves to the exit status. Never throws: usage errors and scans that
 * cannot run are printed on stderr with their code and exit with 2.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let progress: ReturnType<typeof progressLine> | undefined
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    })
    if (values.version === true) {
      io.stdout.write(`${version()}\n`)
      return 0
    }
    if (values.help === true || positionals.length === 0) {
      io.stdout.write(HELP)
      return positionals.length === 0 && values.help !== true ? 2 : 0
    }
    const [command, target, ...rest] = positionals
    if (command !== 'scan') throw usage(`unknown command ${JSON.stringify(command)}: the command is scan`)
    if (target === undefined) throw usage('give the base URL of the API to scan')
    if (rest.length > 0) throw usage(`one base URL at a time, got also ${JSON.stringify(rest[0])}`)
    const format = values.format ?? 'table'
    if (format !== 'table' && format !== 'json' && format !== 'sarif')
      throw usage(`--format is table, json or sarif, got ${JSON.stringify(format)}`)
    const failOn = values['fail-on'] ?? 'medium'
    if (failOn !== 'never' && !SEVERITIES.includes(failOn as Severity))
      throw usage(`--fail-on is high, medium, low, info or never, got ${JSON.stringify(failOn)}`)

    const credentials: Record<string, string> = {}
    const token = values.token ?? io.env.LEAKGUARD_SCAN_TOKEN
    if (token !== undefined && token !== '') {
      // RFC 6750 b64token: what a bearer token can be, and all fetch can send.
      if (!/^[\w.~+/-]+=*$/.test(token))
        throw usage('--token takes a bearer token (letters, digits, - . _ ~ + / and trailing =)')
      credentials.authorization = `Bearer ${token}`
    }
    for (const text of values.header ?? []) {
      const [name, value] = header(text)
      credentials[name] = value
    }
    const params = Object.fromEntries((values.param ?? []).map((text) => pair(text, 'param')))
    const paths = (values.path ?? []).map((path) => {
      if (!path.startsWith('/') || /[\s\0#]/.test(path))
        throw usage(`--path takes a path starting with /, without spaces or #, got ${JSON.stringify(path)}`)
      return path
    })
    const limits = {
      maxRequests: integer(values['max-requests'], 'max-requests', 1, 10_000, DEFAULT_LIMITS.maxRequests),
      rate: integer(values.rate, 'rate', 0, 10_000, DEFAULT_LIMITS.rate),
      timeoutMs: integer(values.timeout, 'timeout', 100, 600_000, DEFAULT_LIMITS.timeoutMs),
    }
    const burst = integer(values.burst, 'burst', 0, 1000, 30)

    if (values.output !== undefined) {
      // Before the scan, not after minutes of it.
      const folder = dirname(resolve(values.output))
      await access(folder, constants.W_OK).catch(() => {
        throw usage(`--output: cannot write into ${folder}`)
      })
    }
    const allowHosts = values['allow-host'] ?? []
    const loaded =
      values.openapi !== undefined
        ? await loadOpenAPI(values.openapi, { allowHosts, ...(io.signal ? { signal: io.signal } : {}) })
        : undefined
    progress = progressLine(io.stderr, io.stderr.isTTY === true && values.quiet !== true)
    const report: ScanReport = await scanApi({
      target,
      ...(loaded !== undefined ? { openapi: loaded.doc, openapiSource: loaded.source } : {}),
      credentials,
      params,
      paths,
      allowHosts,
      limits,
      burst,
      probes: values['no-probes'] !== true,
      probeWrites: values['probe-writes'] === true,
      shadow: values['no-shadow'] !== true,
      onProgress: progress.update,
      ...(io.signal !== undefined ? { signal: io.signal } : {}),
    })
    progress.clear()

    const color =
      format === 'table' &&
      values.output === undefined &&
      io.stdout.isTTY === true &&
      values['no-color'] !== true &&
      (io.env.NO_COLOR ?? '') === ''
    const text =
      format === 'json'
        ? toJson(report)
        : format === 'sarif'
          ? toSarif(report, version())
          : toTable(report, { color, width: io.stdout.columns ?? 120 })
    if (values.output !== undefined) {
      await writeFile(values.output, text)
      io.stderr.write(
        `leakguard scan: ${report.findings.length} findings in ${report.requests} requests; report written to ${values.output}\n`,
      )
    } else io.stdout.write(text)
    if (!report.complete) {
      const reasons = report.notes
        .filter((note) => note.startsWith('incomplete: '))
        .map((note) => note.slice(12))
      io.stderr.write(
        `leakguard scan: the scan is incomplete (${reasons.join('; ')}): its report cannot pass a gate [ERR_LG_SCAN_INCOMPLETE]\n`,
      )
      return 2
    }
    const failing =
      failOn === 'never' ? [] : report.findings.filter((f) => atLeast(f.severity, failOn as Severity))
    return failing.length > 0 ? 1 : 0
  } catch (error) {
    progress?.clear()
    if (error instanceof ScanError) {
      io.stderr.write(`leakguard scan: ${error.message} [${error.code}]\n`)
      return 2
    }
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`leakguard scan: ${error.message} (see leakguard scan --help) [ERR_LG_SCAN_USAGE]\n`)
      return 2
    }
    io.stderr.write(
      `leakguard scan: the scan failed: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    return 2
  }
}
