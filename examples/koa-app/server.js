import { printUsage } from '@leakguard/example-shop'
import { start } from './app.js'

// LEAKGUARD=off serves the same app without leakguard: what `leakguard scan` finds then (docs/scan.md).
const protect = process.env.LEAKGUARD !== 'off'
const { url } = await start({
  port: Number(process.env.PORT ?? 3000),
  protect,
  onEvent: (event) => console.log('[leakguard]', event.type, event.request.route ?? event.request.path),
})
printUsage('Koa', url, { protect })
