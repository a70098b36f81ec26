import type { ScanReport } from '../scan.js'

/** The report as JSON (stable member names: `target`, `findings`, `routes`, `notes`, ...). */
export function toJson(report: ScanReport): string {
  return `${JSON.stringify({ tool: 'leakguard scan', version: 1, ...report }, null, 2)}\n`
}
