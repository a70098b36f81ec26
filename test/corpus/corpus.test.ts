// Recall and precision on public scanners' own test vectors (see each folder's LICENSE): every
// text the project says holds a secret must come out of a default redact() without it, every text
// it says holds none must come out unchanged.
import { readdirSync, readFileSync } from 'node:fs'
import { createRedactor } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { type CorpusFile, sampleTexts } from './samples.js'

const here = new URL('.', import.meta.url)
const redactor = createRedactor()

function files(project: string): Array<[string, CorpusFile]> {
  const dir = new URL(`${project}/`, here)
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'exceptions.json')
    .map((name) => [name, JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as CorpusFile])
}

/** The secret a generated text holds, or `undefined` when only "something was found" can be checked. */
type Case = { text: string; secret?: string }

function positives(rule: CorpusFile['rules'][string]): Case[] {
  const cases: Case[] = rule.positives.map((text) => ({ text }))
  for (const { identifier, secret } of rule.generated ?? []) {
    for (const text of sampleTexts(identifier, secret)) cases.push({ text, secret })
  }
  return cases
}

/** Whether a text survived: unchanged, or (for a known secret) still holding it. */
function survived({ text, secret }: Case): boolean {
  const out = redactor.redact(text)
  return secret === undefined ? out === text : out.includes(secret)
}

/** Texts where leakguard disagrees with the project on purpose, each with its reason. */
interface Exceptions {
  readonly negatives: Readonly<Record<string, string>>
  readonly misses: Readonly<Record<string, string>>
}

describe.each(['gitleaks', 'presidio', 'secretlint'])('%s corpus', (project) => {
  const all = files(project)
  const exceptions = JSON.parse(
    readFileSync(new URL(`${project}/exceptions.json`, here), 'utf8'),
  ) as Exceptions
  const used = new Set<string>()

  it('has vectors', () => {
    expect(all.length).toBeGreaterThan(0)
  })

  for (const [name, file] of all) {
    describe(name, () => {
      it.each(Object.entries(file.rules))('%s: every positive masked, no negative touched', (id, rule) => {
        const missed = positives(rule)
          .filter(survived)
          .map((c) => c.text)
        for (const text of missed) used.add(text)
        expect(
          missed.filter((text) => exceptions.misses[text] === undefined),
          `${id} (${rule.detector}) missed`,
        ).toEqual([])
        // The rule's own detector never finds its negatives; another detector may, for a reason on record.
        const touched = rule.negatives.filter((text) => redactor.redact(text) !== text)
        for (const text of touched) used.add(text)
        const own = rule.negatives.filter(
          (text) =>
            exceptions.negatives[text] === undefined &&
            redactor.scan(text).some((f) => f.detector === rule.detector),
        )
        expect(own, `${id}: its own detector found negatives`).toEqual([])
        expect(
          touched
            .filter((text) => exceptions.negatives[text] === undefined)
            .map((text) => ({ text, found: redactor.scan(text).map((f) => f.detector) })),
          `${id}: negatives changed`,
        ).toEqual([])
      })
    })
  }

  it('keeps no exception that no longer applies', () => {
    const stale = [...Object.keys(exceptions.negatives), ...Object.keys(exceptions.misses)].filter(
      (text) => !used.has(text),
    )
    expect(stale).toEqual([])
  })
})
