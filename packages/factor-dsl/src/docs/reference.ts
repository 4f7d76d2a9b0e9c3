import { DEFAULT_LIMITS } from '../language/limits.js';
import { FACTOR_LIBRARY } from '../library/index.js';
import { SOURCE_FIELDS } from '../ops/fields.js';
import { type ArgSpec, OP_FAMILIES, type OpSpec, SOURCE_KINDS } from '../ops/spec.js';
import { OPERATORS } from '../ops/table.js';

/**
 * The language reference as Markdown, generated from the operator table, the fields of each
 * source, the default limits and the shipped library (`docs/factor-dsl.md` is this text; a test
 * keeps it up to date). Regenerate with `npm run docs -w @hfq/factor-dsl`.
 */
export function renderReference(): string {
  const L: string[] = [];
  L.push(
    '# The hfq factor language: reference',
    '',
    '<!-- Generated from the operator table by `npm run docs -w @hfq/factor-dsl` (packages/factor-dsl/src/docs/reference.ts). Do not edit by hand. -->',
    '',
    'A factor is one formula over one frame source that gives one number per stock per day. This page lists everything',
    'the language has: syntax, types, the fields of each source, every operator (from the one operator table that the',
    'parser, type checker, code generator and fuzzer also read), the safety limits and the shipped factors.',
    'The guide is [packages/factor-dsl.md](packages/factor-dsl.md).',
    '',
    '## Syntax',
    '',
    '| precedence (low to high) | forms |',
    '|---|---|',
    '| comparison (not chainable) | `a < b`, `a <= b`, `a > b`, `a >= b`, `a == b`, `a != b` (1 or 0; NaN if an input is NaN) |',
    '| additive | `a + b`, `a - b` |',
    '| multiplicative | `a * b`, `a / b` |',
    '| unary | `-a` (so `-x ^ 2` is `-(x ^ 2)`) |',
    '| power (right-associative) | `a ^ b` (also `a ** b`); `2 ^ -1` is allowed |',
    '| level access | `bid_volume[1]` (levels are 1-based) |',
    '| primary | numbers (`3`, `0.5`, `1e-4`), field names, calls `name(arg, ...)`, parentheses |',
    '',
    'Windows, lags, levels, quantiles and clock times are literals, never expressions. Lags are never negative: no',
    'formula can read a later bar. Optional trailing arguments take the default shown as `name=default`.',
    'Missing means non-finite: reducers skip missing bars; rolling windows that hold one give NaN; a factor that has no',
    'finite value for a stock-day is NaN.',
    '',
    '## Types',
    '',
    '| type | what it is |',
    '|---|---|',
    '| scalar | one number per stock-day (a literal, or a reducer over bars) |',
    '| series | one number per bar (row) of the frame |',
    '| levels | one number per bar and order-book level (tick level fields) |',
    '',
    'Elementwise operators broadcast: scalar with series gives a series, series with levels gives levels. A factor must',
    'end in a scalar.',
    '',
    '## Fields',
    '',
  );
  for (const s of SOURCE_KINDS) {
    L.push(`### \`${s}\``, '', '| field | type | unit | meaning |', '|---|---|---|---|');
    for (const f of SOURCE_FIELDS[s])
      L.push(`| \`${f.name}\` | ${f.type} | ${f.unit} | ${escapeCell(f.doc)} |`);
    L.push('');
  }
  L.push('## Operators', '');
  for (const family of OP_FAMILIES) {
    const ops = OPERATORS.filter((o) => o.family === family);
    if (ops.length === 0) continue;
    L.push(
      `### ${family}`,
      '',
      '| operator | gives | what it computes | window | missing values | example |',
      '|---|---|---|---|---|---|',
    );
    for (const op of ops) {
      const only = op.sources !== undefined ? ` (${op.sources.join(', ')} only)` : '';
      const aliases = op.aliases !== undefined ? ` (also \`${op.aliases.join('`, `')}\`)` : '';
      L.push(
        `| \`${escapeCell(signature(op))}\`${aliases}${only} | ${op.result === 'broadcast' ? 'as inputs' : op.result} | ${escapeCell(op.doc)} | ${escapeCell(op.window) || '-'} | ${escapeCell(op.nan)} | \`${escapeCell(op.example)}\` |`,
      );
    }
    L.push('');
  }
  const macros = OPERATORS.filter((o) => o.impl.kind === 'macro');
  L.push(
    '### Defined in the language',
    '',
    'These operators are macros over the others (their subexpressions are shared with the same expressions written out):',
    '',
    '| operator | definition |',
    '|---|---|',
  );
  for (const op of macros)
    L.push(`| \`${op.name}\` | \`${escapeCell(op.impl.kind === 'macro' ? op.impl.body : '')}\` |`);
  L.push(
    '',
    '## Safety limits',
    '',
    'Formulas are untrusted text. They are parsed and checked against these limits before anything runs; nothing in',
    'a formula is ever executed as JavaScript (the code generator emits only operator-table templates and numbers).',
    '',
    '| limit | default | what it bounds |',
    '|---|---:|---|',
    `| \`maxLength\` | ${DEFAULT_LIMITS.maxLength} | characters of formula text |`,
    `| \`maxDepth\` | ${DEFAULT_LIMITS.maxDepth} | nesting depth of the expression |`,
    `| \`maxNodes\` | ${DEFAULT_LIMITS.maxNodes} | operators, fields and literals in one formula |`,
    `| \`maxWindow\` | ${DEFAULT_LIMITS.maxWindow} | largest window or lag, bars |`,
    `| \`maxLevels\` | ${DEFAULT_LIMITS.maxLevels} | deepest order-book level addressed |`,
    `| \`maxCostPerRow\` | ${DEFAULT_LIMITS.maxCostPerRow} | estimated operations per bar after macro expansion, identical subexpressions counted once (a rank over w bars costs w) |`,
    `| \`maxFormulas\` | ${DEFAULT_LIMITS.maxFormulas} | formulas compiled into one program (per source of a factor set) |`,
    '',
    'What the package promises about hostile formulas: every limit is checked before compilation starts, in time',
    'linear in the formula (macros nested in macros, such as `ts_zscore(diff(ts_zscore(diff(...))))`, whose written-out',
    'tree grows six-fold per pair, are measured on the shared graph the compiler builds, never expanded into a tree);',
    'a formula over a limit gets an `HfqError` `DSL_LIMIT` whose context names the limit (`limit`, `max`), the measured',
    'value (`cost`, `count`) and the position in the formula; literals that size an allocation (windows, lags, levels)',
    'are bounded, and a number that would overflow to infinity or underflow to 0 is refused. `compileFactors` compiles',
    'a `CheckedFactor` only if `checkFactor` made it, and checks anything else again.',
    '',
    '## Shipped factors',
    '',
    `${FACTOR_LIBRARY.length} factors: the 27-factor hand-made baseline and 100 factors per source.`,
    '',
  );
  const groups = new Map<string, typeof FACTOR_LIBRARY>();
  for (const f of FACTOR_LIBRARY) {
    const key = f.id.startsWith('bl_') ? `baseline (${f.source}), ${f.family}` : `${f.source}: ${f.family}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  L.push('| group | factors |', '|---|---:|');
  for (const [g, list] of groups) L.push(`| ${g} | ${list.length} |`);
  L.push('');
  for (const [g, list] of groups) {
    L.push(`### ${g}`, '', '| id | formula | meaning |', '|---|---|---|');
    for (const f of list) L.push(`| \`${f.id}\` | \`${escapeCell(f.formula)}\` | ${escapeCell(f.meaning)} |`);
    L.push('');
  }
  return `${L.join('\n').trimEnd()}\n`;
}

function argText(a: ArgSpec): string {
  return 'default' in a && a.default !== undefined ? `${a.name}=${a.default}` : a.name;
}

function signature(op: OpSpec): string {
  const names = op.args.map(argText);
  switch (op.syntax?.kind) {
    case 'infix':
      return `${names[0]} ${op.syntax.symbol} ${names[1]}`;
    case 'prefix':
      return `${op.syntax.symbol}${names[0]}`;
    case 'index':
      return `${names[0]}[${names[1]}]`;
    default:
      return `${op.name}(${names.join(', ')})`;
  }
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}
