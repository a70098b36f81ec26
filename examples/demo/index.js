import { FRAMEWORKS, runTour } from './tour.js'

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

console.log(bold(`leakguard demo: one shop API on ${framework}, served without and with leakguard\n`))
let leakedTotal = 0
for (const { stop, unprotected, protected: guarded, leaked } of await runTour({ framework })) {
  const who = stop.role ? `  (role: ${stop.role})` : stop.token ? '  (with a bearer token)' : ''
  console.log(bold(`GET ${stop.path}${who}`), dim(`- ${stop.why}`))
  console.log(`  without leakguard  ${unprotected.status}  ${dim(body(unprotected.text))}`)
  console.log(`  with leakguard     ${guarded.status}  ${green(body(guarded.text))}`)
  if (leaked.length > 0) {
    const shown = leaked.slice(0, 5).map(([path, value]) => `${path} = ${short(value)}`)
    console.log(
      `  ${red(`stopped ${leaked.length} value${leaked.length === 1 ? '' : 's'}:`)} ${shown.join(', ')}`,
    )
    if (leaked.length > 5) console.log(dim(`    ... and ${leaked.length - 5} more`))
  }
  leakedTotal += leaked.length
  console.log()
}
console.log(bold(`${leakedTotal} values that the handlers sent never left the protected server.`))
console.log(dim(`Run the example yourself: pnpm --filter @leakguard/example-${framework}-app start`))
console.log(dim('Other frameworks: pnpm demo koa, pnpm demo fastify'))
