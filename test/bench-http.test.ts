import { generateKeyPairSync } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkSetup } from '@leakguard/bench/http/check'
import { AUDIENCE, buildServer, CONFIGS, FRAMEWORKS, ISSUER } from '@leakguard/bench/http/servers'
import { SignJWT } from 'jose'
import { describe, it } from 'vitest'

// The HTTP benchmark's servers must do what their figures claim: a broken setup would report a
// fast but meaningless number. `pnpm bench:http` runs the same check before measuring.
describe('HTTP benchmark setups', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('test')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey)
  for (const framework of FRAMEWORKS) {
    for (const config of CONFIGS) {
      it(`${framework} ${config}`, async () => {
        const server = (await buildServer(framework, config, '19kb', pem)) as Server
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        try {
          const { port } = server.address() as AddressInfo
          await checkSetup(
            `${framework}/${config}`,
            config,
            `http://127.0.0.1:${port}/users`,
            `Bearer ${token}`,
          )
        } finally {
          server.closeAllConnections()
          await new Promise((resolve) => server.close(resolve))
        }
      })
    }
  }
})
