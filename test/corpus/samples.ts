import { readFileSync } from 'node:fs'

// The text shapes a credential is written in (configuration files, source code, logs, in
// shapes.json), used to expand a corpus entry's `generated` secrets into texts: `{i}` is the identifier, `{I}` the same in
// upper case, `{s}` the secret. The shapes are those gitleaks' rule tests put each secret in.
const SHAPES: readonly string[] = JSON.parse(readFileSync(new URL('./shapes.json', import.meta.url), 'utf8'))

/** Every shape with `identifier` and `secret` filled in. */
export function sampleTexts(identifier: string, secret: string): string[] {
  return SHAPES.map((shape) =>
    shape.replaceAll('{i}', identifier).replaceAll('{I}', identifier.toUpperCase()).replaceAll('{s}', secret),
  )
}

/** A corpus file: rules of one source project, each with the texts that must and must not be found. */
export interface CorpusFile {
  /** Project, commit and files the vectors come from. */
  readonly source: string
  readonly rules: Readonly<
    Record<
      string,
      {
        /** The leakguard detector id meant to find the positives (another may find them first). */
        readonly detector: string
        /** Texts that hold a secret (copied from the project's tests). */
        readonly positives: readonly string[]
        /** Secrets the project's tests generate, put into every shape of {@link sampleTexts}. */
        readonly generated?: ReadonlyArray<{ readonly identifier: string; readonly secret: string }>
        /** Texts that hold none (the project's own false-positive cases). */
        readonly negatives: readonly string[]
      }
    >
  >
}
