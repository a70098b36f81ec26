import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
createApp({
  onEvent: (event) => console.log('[leakguard]', event.type, event.request.route ?? event.request.path),
}).listen(port, () => {
  console.log(`Example shop API with leakguard on http://localhost:${port}`)
  console.log(`  curl http://localhost:${port}/users/1`)
  console.log(`  curl -H 'x-demo-role: support' http://localhost:${port}/users/1`)
  console.log(`  curl http://localhost:${port}/internal/config`)
})
