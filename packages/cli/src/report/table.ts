import type { Severity } from '../rules.js'
import type { ScanReport } from '../scan.js'

const COLOR: Record<Severity, number> = { high: 31, medium: 33, low: 36, info: 2 }

/**
 * Control, bidi and invisible format characters as `\u001b`: member names in messages come from
 * the API scanned (and paths from its document), and a hostile one must not drive the terminal
 * (escape sequences rewrite the screen or set its title) nor reorder what the reader sees.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Fits `text` in `width` columns (an ellipsis marks a cut). */
function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`
}

/**
 * The report for a terminal: one row per finding (severity, rule, route, status, what), then the
 * notes and a summary line. `color` paints severities; `width` is the terminal's.
 */
export function toTable(report: ScanReport, { color = false, width = 120 } = {}): string {
  const paint = (severity: Severity, text: string) =>
    color ? `\u001b[${COLOR[severity]}m${text}\u001b[0m` : text
  const lines: string[] = []
  const routeWidth = Math.min(36, Math.max(5, ...report.findings.map((f) => printable(f.route).length)))
  const what = Math.max(30, width - (8 + 1 + 28 + 1 + routeWidth + 1 + 6 + 1))
  lines.push(`${fit('SEVERITY', 8)} ${fit('RULE', 28)} ${fit('ROUTE', routeWidth)} ${fit('STATUS', 6)} WHAT`)
  for (const f of report.findings) {
    const head = `${paint(f.severity, fit(f.severity.toUpperCase(), 8))} ${fit(`${f.ruleId} ${f.rule}`, 28)} ${fit(printable(f.route), routeWidth)} ${fit(f.status ? String(f.status) : '-', 6)} `
    const words = printable(f.message).split(' ')
    let line = ''
    const wrapped: string[] = []
    for (const word of words) {
      if (line !== '' && line.length + 1 + word.length > what) {
        wrapped.push(line)
        line = word
      } else line = line === '' ? word : `${line} ${word}`
    }
    wrapped.push(line)
    lines.push(head + wrapped[0])
    const indent = ' '.repeat(8 + 1 + 28 + 1 + routeWidth + 1 + 6 + 1)
    for (const rest of wrapped.slice(1)) lines.push(indent + rest)
  }
  if (report.findings.length === 0) lines.push('(no findings)')
  for (const note of report.notes) lines.push(`note: ${printable(note)}`)
  const by = (severity: Severity) => report.findings.filter((f) => f.severity === severity).length
  lines.push(
    '',
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${by('high')} high, ${by('medium')} medium, ${by('low')} low, ${by('info')} info) in ${report.requests} requests to ${report.target}${report.openapi ? ` (document: ${report.openapi})` : ''}`,
  )
  return `${lines.join('\n')}\n`
}
