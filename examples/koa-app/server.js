import { printUsage } from '@leakguard/example-shop'
import { start } from './app.js'

const { url } = await start({
  port: Number(process.env.PORT ?? 3000),
  onEvent: (event) => console.log('[leakguard]', event.type, event.request.route ?? event.request.path),
})
printUsage('Koa', url)
