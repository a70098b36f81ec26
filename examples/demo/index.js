import { FRAMEWORKS, leaves, runTour } from './tour.js'

const framework = process.argv[2] ?? 'express'
if (!(framework in FRAMEWORKS)) {
  console.error(`usage: pnpm demo [${Object.keys(FRAMEWORKS).join('|')}]`)
  process.exit(2)
}

const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code) => (text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
const red = paint(31)
const green = paint(32)
const dim = paint(2)
const bold = paint(1)

const short = (value) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 48 ? `${text.slice(0, 45)}...` : text
}
const body = (text) => (text.length > 160 ? `${text.slice(0, 157)}... (${text.length} bytes)` : text)

/** The lines of a walk: each app's statuses, then how many ids the protected app refused. */
function printWalk({ stop, unprotected, protected: guarded, leaked }) {
  console.log(`  without leakguard  ${dim(unprotected.statuses.join(' '))}`)
  console.log(`  with leakguard     ${green(guarded.statuses.join(' '))}`)
  const refused = guarded.statuses.filter((status) => status === 429).length
  const first = guarded.statuses.indexOf(429)
  if (refused > 0) {
    const from = stop.path.replace(':id', String(stop.walk.from + first))
    console.log(
      `  ${red(`stopped ${refused} of ${stop.walk.count} ids:`)} 429 Too Many Requests from ${from} on` +
        dim(` (${leaked.length} values stopped in all)`),
    )
  }
}

/** The lines of one request: both answers, the values stopped, and the members of its body dropped. */
function printRequest({ stop, unprotected, protected: guarded, leaked, events }) {
  if (stop.body !== undefined) console.log(`  request body       ${dim(JSON.stringify(stop.body))}`)
  console.log(`  without leakguard  ${unprotected.status}  ${dim(body(unprotected.text))}`)
  console.log(`  with leakguard     ${guarded.status}  ${green(body(guarded.text))}`)
  if (leaked.length > 0) {
    const shown = leaked.slice(0, 5).map(([path, value]) => `${path} = ${short(value)}`)
    console.log(
      `  ${red(`stopped ${leaked.length} value${leaked.length === 1 ? '' : 's'}:`)} ${shown.join(', ')}`,
    )
    if (leaked.length > 5) console.log(dim(`    ... and ${leaked.length - 5} more`))
  }
  // Members of the request body leakguard dropped before the handler, as its audit event names them.
  const dropped = new Set(
    events.flatMap((e) =>
      e.type === 'request.member_dropped' && e.source === 'body' ? e.members.paths : [],
    ),
  )
  if (dropped.size > 0) {
    const answer = guarded.status < 300 ? new Map(leaves(JSON.parse(guarded.text))) : new Map()
    for (const [path, value] of leaves(stop.body).filter(([path]) => dropped.has(path))) {
      const kept = answer.has(path) ? ` (the answer still says ${short(answer.get(path))})` : ''
      console.log(`  ${red(`dropped from the request: ${path} = ${short(value)}`)}${kept}`)
    }
  }
}

console.log(bold(`leakguard demo: one shop API on ${framework}, served without and with leakguard\n`))
let leakedTotal = 0
for (const result of await runTour({ framework })) {
  const { stop } = result
  const who = stop.role ? `  (role: ${stop.role})` : stop.token ? '  (with a bearer token)' : ''
  console.log(bold(`${stop.method ?? 'GET'} ${stop.path}${who}`), dim(`- ${stop.why}`))
  if (stop.walk !== undefined) printWalk(result)
  else printRequest(result)
  leakedTotal += result.leaked.length
  console.log()
}
console.log(bold(`${leakedTotal} values that the handlers sent never left the protected server.`))
console.log(dim(`Run the example yourself: pnpm --filter @leakguard/example-${framework}-app start`))
console.log(dim('Other frameworks: pnpm demo koa, pnpm demo fastify'))
