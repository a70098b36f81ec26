import { createHash } from 'node:crypto'
import { RULE_LIST, type Severity } from '../rules.js'
import type { ScanReport } from '../scan.js'

/** SARIF `level` of a severity: `high` fails a gate (`error`), `info` only informs (`note`). */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
}

/** GitHub code scanning's `security-severity` (0-10), per severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '3.0', info: '0.0' }

/**
 * The report as a SARIF 2.1.0 log: one run, the rules as `reportingDescriptor`s, each finding a
 * `result` with its request (`webRequest`, `webResponse`), the route as a logical location and
 * the OpenAPI document (or the target URL) as the artifact, and a fingerprint that stays the same
 * from one scan to the next so CI can tell new findings from known ones.
 */
export function toSarif(report: ScanReport, version: string): string {
  const index = new Map(RULE_LIST.map((rule, i) => [rule.id, i]))
  const artifact = report.openapi ?? report.target
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakguard scan',
            semanticVersion: version,
            rules: RULE_LIST.map((rule) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.summary },
              fullDescription: { text: `${rule.summary} ${rule.owasp}.` },
              help: { text: rule.help },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                tags: ['security', rule.owasp.split(' ')[0]!],
                'security-severity': SECURITY_SEVERITY[rule.severity],
              },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.complete,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            ...(report.notes.length > 0
              ? {
                  toolExecutionNotifications: report.notes.map((note) => ({
                    level: 'warning',
                    message: { text: note },
                  })),
                }
              : {}),
          },
        ],
        results: report.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: index.get(finding.ruleId) ?? -1,
          level: LEVEL[finding.severity],
          message: { text: `${finding.route}: ${finding.message}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifact } },
              logicalLocations: [{ fullyQualifiedName: finding.route, kind: 'resource' }],
            },
          ],
          partialFingerprints: {
            'leakguardFinding/v1': createHash('sha256')
              .update(`${finding.ruleId}\n${finding.route}\n${(finding.where ?? []).join('\n')}`)
              .digest('hex'),
          },
          ...(finding.method !== '*'
            ? {
                webRequest: {
                  protocol: 'HTTP',
                  version: '1.1',
                  method: finding.method,
                  target: finding.path,
                },
              }
            : {}),
          ...(finding.status !== undefined && finding.status > 0
            ? { webResponse: { statusCode: finding.status } }
            : {}),
          properties: {
            severity: finding.severity,
            ...(finding.where !== undefined ? { where: finding.where } : {}),
            ...(finding.detectors !== undefined ? { detectors: finding.detectors } : {}),
          },
        })),
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
