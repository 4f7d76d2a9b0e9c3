import type { FactorDef } from '../eval/factor-set.js';
import type { SourceKind } from '../ops/spec.js';

/** A shipped factor: a `FactorDef` whose family and meaning are always given. */
export interface LibraryFactor extends FactorDef {
  readonly family: string;
  readonly meaning: string;
}

/** Builds the frozen factor list of one source from `[id, family, formula, meaning]` rows. */
export function defineFactors(
  source: SourceKind,
  rows: readonly (readonly [id: string, family: string, formula: string, meaning: string])[],
): readonly LibraryFactor[] {
  return Object.freeze(
    rows.map(([id, family, formula, meaning]) => Object.freeze({ id, source, family, formula, meaning })),
  );
}
