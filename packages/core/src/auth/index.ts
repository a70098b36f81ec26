// The public face of token verification: what @leakguard/core exports of auth/.
export type { JwsAlgorithm } from './algorithms.js'
export type {
  AuthOptions,
  IssuerOptions,
  RemoteJwksOptions,
  RouteAuthOptions,
  TokenCacheOptions,
} from './options.js'
export type { Principal } from './principal.js'
export { createVerifier, type Verifier } from './verifier.js'
