import type { FormatExamples } from '../types.js'
import { EXAMPLES as a } from './providers-a.js'
import { EXAMPLES as b } from './providers-b.js'
import { EXAMPLES as c } from './providers-c.js'
import { EXAMPLES as d } from './providers-d.js'
import { EXAMPLES as model } from './providers-model.js'

export const EXAMPLES: Readonly<Record<string, FormatExamples>> = { ...model, ...a, ...b, ...c, ...d }
