// The servers of the HTTP benchmark: one app per framework and configuration, all serving the
// same reference payload on GET /users. Each runs in its own process (bench/http/server.js).
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import fastifyJwt from '@fastify/jwt'
import fastifyRateLimit from '@fastify/rate-limit'
import { leakguard as expressLeakguard } from '@leakguard/express'
import { leakguard as fastifyLeakguard } from '@leakguard/fastify'
import { BENCH_ALLOWLIST, largeUsersPage, usersPage } from '@leakguard/fixtures'
import { leakguard as koaLeakguard } from '@leakguard/koa'
import express from 'express'
import { expressjwt } from 'express-jwt'
import rateLimit from 'express-rate-limit'
import fastRedact from 'fast-redact'
import Fastify from 'fastify'
import { SignJWT } from 'jose'
import Koa from 'koa'
import koaJwt from 'koa-jwt'
import koaRateLimit from 'koa-ratelimit'
import { REDACT_PATHS } from '../engine/setups.js'

export const FRAMEWORKS = ['express', 'koa', 'fastify']
/**
 * - bare: the framework alone, serving the whole body (what leaks);
 * - full: leakguard with every protection: token verification (cache on), rate limit
 *   (MemoryStore), allowlist, default detectors, audit with a no-op hook;
 * - pipeline: leakguard's response pipeline only (allowlist, detectors, audit);
 * - peer: the single-purpose stack a team would assemble today.
 */
export const CONFIGS = ['bare', 'full', 'pipeline', 'peer']
export const ISSUER = 'https://issuer.bench/'
export const AUDIENCE = 'https://api.bench'
// Never reached: every request is counted, none refused.
const HUGE = 1_000_000_000

export const PAYLOADS = { '19kb': usersPage, '1mb': largeUsersPage }

/** A fresh RS256 key pair and the bearer token every benchmark request carries. */
export async function benchCredentials() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const token = await new SignJWT({ scope: 'users:read', roles: ['customer'] })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench-user')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey)
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }), token }
}

function leakguardOptions(config, publicKeyPem) {
  const response = { routes: { 'GET /users': { allow: BENCH_ALLOWLIST } }, audit: { onEvent: () => {} } }
  if (config === 'pipeline') return response
  return {
    ...response,
    auth: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], publicKey: publicKeyPem },
    rateLimit: { limits: [{ limit: HUGE, window: '1m' }] },
  }
}

/** The response schema a Fastify peer app would write: the allowlisted fields only. */
const USERS_SCHEMA = {
  200: {
    type: 'object',
    properties: {
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            username: { type: 'string' },
            name: { type: 'string' },
            role: { type: 'string' },
            address: { type: 'object', properties: { city: { type: 'string' } } },
            createdAt: { type: 'string' },
          },
        },
      },
      total: { type: 'integer' },
      page: { type: 'integer' },
    },
  },
}

function expressApp(config, body, publicKeyPem) {
  const app = express()
  app.set('etag', false)
  if (config === 'full' || config === 'pipeline')
    app.use(expressLeakguard(leakguardOptions(config, publicKeyPem)))
  if (config === 'peer') {
    const redact = fastRedact({ paths: REDACT_PATHS, remove: true })
    app.use(expressjwt({ secret: publicKeyPem, algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE }))
    app.use(rateLimit({ windowMs: 60_000, limit: HUGE, standardHeaders: 'draft-8', legacyHeaders: false }))
    app.get('/users', (_req, res) => {
      res.type('json').send(redact(body))
    })
    // express-jwt's 401s, answered quietly as an app's error handler would.
    app.use((error, _req, res, _next) => {
      res.status(error.status ?? 500).end()
    })
  } else {
    app.get('/users', (_req, res) => {
      res.json(body)
    })
  }
  return createServer(app)
}

function koaApp(config, body, publicKeyPem) {
  const app = new Koa()
  if (config === 'full' || config === 'pipeline')
    app.use(koaLeakguard(leakguardOptions(config, publicKeyPem)))
  if (config === 'peer') {
    const redact = fastRedact({ paths: REDACT_PATHS, remove: true })
    app.use(
      koaRateLimit({ driver: 'memory', db: new Map(), duration: 60_000, max: HUGE, id: (ctx) => ctx.ip }),
    )
    app.use(koaJwt({ secret: publicKeyPem, algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE }))
    app.use((ctx) => {
      if (ctx.path !== '/users') return
      ctx.type = 'json'
      ctx.body = redact(body)
    })
  } else {
    app.use((ctx) => {
      if (ctx.path === '/users') ctx.body = body
    })
  }
  return createServer(app.callback())
}

async function fastifyApp(config, body, publicKeyPem) {
  const app = Fastify({ bodyLimit: 1024 })
  if (config === 'full' || config === 'pipeline')
    await app.register(fastifyLeakguard, leakguardOptions(config, publicKeyPem))
  if (config === 'peer') {
    await app.register(fastifyJwt, {
      secret: { public: publicKeyPem },
      verify: { algorithms: ['RS256'], allowedIss: ISSUER, allowedAud: AUDIENCE },
    })
    await app.register(fastifyRateLimit, { max: HUGE, timeWindow: 60_000 })
    app.addHook('onRequest', async (request) => {
      await request.jwtVerify()
    })
    app.get('/users', { schema: { response: USERS_SCHEMA } }, async () => body)
  } else {
    app.get('/users', async () => body)
  }
  await app.ready()
  return app.server
}

/** Builds the Node HTTP server of one setup (not listening yet). */
export async function buildServer(framework, config, payload, publicKeyPem) {
  const body = PAYLOADS[payload]()
  if (framework === 'express') return expressApp(config, body, publicKeyPem)
  if (framework === 'koa') return koaApp(config, body, publicKeyPem)
  return fastifyApp(config, body, publicKeyPem)
}
