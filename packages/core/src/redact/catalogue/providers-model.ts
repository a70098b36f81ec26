import type { KeyedFormat, TokenFormat } from './types.js'

// The model slice: every slice file has this shape (TOKENS, KEYED), sorted by id.

export const TOKENS: readonly TokenFormat[] = [
  {
    id: 'anthropic-admin-key',
    provider: 'Anthropic',
    description: 'Anthropic Admin API keys: sk-ant-admin01-, 93 URL-safe characters, "AA".',
    prefixes: ['sk-ant-admin01-'],
    body: '[A-Za-z0-9_-]{93}AA',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.anthropic.com/en/api/admin-api (gitleaks anthropic-admin-api-key)',
  },
  {
    id: 'anthropic-api-key',
    provider: 'Anthropic',
    description: 'Anthropic API keys: sk-ant-api03-, 93 URL-safe characters, "AA".',
    prefixes: ['sk-ant-api03-'],
    body: '[A-Za-z0-9_-]{93}AA',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.anthropic.com/en/api/getting-started (gitleaks anthropic-api-key)',
  },
]

export const KEYED: readonly KeyedFormat[] = [
  {
    id: 'adafruit-io-key',
    provider: 'Adafruit IO',
    description: 'Adafruit IO keys: 32 URL-safe characters next to the word "adafruit".',
    keywords: ['adafruit'],
    value: '[A-Za-z0-9_-]{32}',
    confidence: 'medium',
    reference: 'https://io.adafruit.com/api/docs/#authentication (gitleaks adafruit-api-key)',
  },
]
