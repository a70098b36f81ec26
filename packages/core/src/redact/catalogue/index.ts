import * as a from './providers-a.js'
import * as b from './providers-b.js'
import * as c from './providers-c.js'
import * as d from './providers-d.js'
import * as model from './providers-model.js'
import type { KeyedFormat, TokenFormat } from './types.js'

const SLICES = [model, a, b, c, d]

/** Provider tokens with a documented prefix, by id. */
export const TOKEN_FORMATS: readonly TokenFormat[] = Object.freeze(
  SLICES.flatMap((slice) => slice.TOKENS).sort((x, y) => (x.id < y.id ? -1 : 1)),
)
/** Provider credentials found next to a word naming the provider, by id. */
export const KEYED_FORMATS: readonly KeyedFormat[] = Object.freeze(
  SLICES.flatMap((slice) => slice.KEYED).sort((x, y) => (x.id < y.id ? -1 : 1)),
)
