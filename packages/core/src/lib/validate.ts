import { type ConfigErrorCode, LeakguardConfigError } from '../errors.js'

/** Renders a user-supplied value for an error message: short, never the whole object. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
    case 'function':
      return 'a function'
    case 'object':
      return 'an object'
    case 'bigint':
      return `${value}n`
    default:
      return String(value)
  }
}

export function fail(
  option: string,
  message: string,
  code: ConfigErrorCode = 'ERR_LG_CONFIG_INVALID_OPTION',
): never {
  throw new LeakguardConfigError(code, option, message)
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Asserts a plain object (or undefined) whose keys are all known; returns it or an empty object. */
export function objectOption(
  value: unknown,
  option: string,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {}
  if (!isPlainObject(value)) fail(option, `expected an object, got ${describe(value)}`)
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      fail(
        `${option}.${key}`,
        `is not an option here; valid options are ${known.map((k) => `"${k}"`).join(', ')}`,
        'ERR_LG_CONFIG_UNKNOWN_OPTION',
      )
    }
  }
  return value
}

export function oneOf<T extends string>(
  value: unknown,
  option: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  return fail(option, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`)
}

export function integerOption(
  value: unknown,
  option: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `expected an integer from ${min} to ${max}, got ${describe(value)}`)
  }
  return value
}

export function functionOption<F>(value: unknown, option: string): F | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') fail(option, `expected a function, got ${describe(value)}`)
  return value as F
}

export function stringArrayOption(value: unknown, option: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) fail(option, `expected an array of strings, got ${describe(value)}`)
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(`${option}[${i}]`, `expected a string, got ${describe(item)}`)
  })
  return value as readonly string[]
}

/** A secret key given as a string or bytes, at least 32 bytes long. */
export function secretKeyOption(value: unknown, option: string): Buffer {
  const key = typeof value === 'string' || value instanceof Uint8Array ? Buffer.from(value) : undefined
  if (key === undefined) return fail(option, `expected a string or Uint8Array, got ${describe(value)}`)
  if (key.length < 32) {
    return fail(
      option,
      `must be at least 32 bytes (got ${key.length}); generate one with crypto.randomBytes(32)`,
    )
  }
  return key
}
