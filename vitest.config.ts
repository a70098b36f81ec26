import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources; test/consumer checks the built packages.
    alias: {
      '@leakguard/core': source('core'),
      '@leakguard/express': source('express'),
      '@leakguard/koa': source('koa'),
      '@leakguard/fastify': source('fastify'),
      '@leakguard/redis': source('redis'),
      '@leakguard/cli': source('cli'),
      '@leakguard/test-utils': source('test-utils'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/{src,test}/**/*.test-d.ts'],
      tsconfig: './tsconfig.typetests.json',
    },
    // Two test files at a time: vitest's default leaves one core of the 2-core CI machines idle
    // (availableParallelism - 1 workers), and most files wait on sockets or on one core's work.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
