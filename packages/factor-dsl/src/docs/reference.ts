import { DAILY_LIBRARY } from '../daily/library.js';
import { DEFAULT_LIMITS } from '../language/limits.js';
import { FACTOR_LIBRARY } from '../library/index.js';
import { SOURCE_FIELDS } from '../ops/fields.js';
import { type ArgSpec, OP_FAMILIES, type OpSpec, SOURCE_KINDS } from '../ops/spec.js';
import { OPERATORS, operatorsAt } from '../ops/table.js';

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
    const ops = operatorsAt('intraday').filter((o) => o.family === family);
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
  renderDaily(L);
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

/** The daily level: syntax, rules and its operators (`OpSpec.level === 'daily'`). */
function renderDaily(L: string[]): void {
  L.push(
    '',
    '## The daily level',
    '',
    'A daily factor is one formula over dates x assets panels (`evaluateDaily(defs, inputs, options)`; check one with',
    '`checkDaily(formula, fields)`). Its fields are the names of the input panels: daily fields (`open`, `high`, `low`,',
    '`close`, `vwap`, `volume`, `amount`, `turnover`, adjusted prices, listing age, ...) and any intraday factor by its id',
    '(`min_vol_first5`): an intraday factor computed per stock-day is a dates x assets panel like any other field.',
    '',
    "The syntax is the intraday one, and qlib's expression syntax is accepted verbatim: `$close` is the field `close`, and",
    "qlib's operator names (`Ref`, `Mean`, `Std`, `Greater`, `Less`, `Abs`, `Log`, `Power`, `If`, ...) are spellings of",
    'the operators below (column qlib). `Mean($close > Ref($close, 1), 5)` and `ts_mean(close > delay(close, 1), 5)` are',
    'the same program (same canonical text and hash).',
    '',
    'Rules:',
    '',
    '- Missing means non-finite. A suspended day is a NaN input; a stock before its listing is NaN on those dates.',
    '- Elementwise operators are the intraday ones (arithmetic, comparison, logic, math) with their NaN rules, except',
    '  comparisons, which follow pandas as qlib does: a comparison with a missing side is 0 (`!=` is 1), so',
    '  `Mean($close > Ref($close, 1), 5)` counts a missing day as not up. Division by 0 and `log` of x <= 0 give NaN (qlib',
    '  gives +-inf); powers and `exp` that overflow give NaN.',
    "- Time-series windows end at the current day and skip missing days. By default (`minPeriods: 'qlib'`) a window needs",
    "  one finite day, as qlib's pandas rolling with `min_periods=1` (the first days of a series use the days there are);",
    "  `minPeriods: 'window'` needs all w days. Each operator's own minimum is in its row.",
    '- Lags and windows are literals; lags are never negative, so no formula reads a later day. Cross-sectional and group',
    '  operators see one date (all assets, or the assets of one industry) and nothing else.',
    '- Lookback is static: `checkDaily(...).lookback` is the days before a date a formula reads for full windows (a window',
    '  of w adds w - 1, a lag of k adds k, nested operators add up).',
    '- Group operators and `cs_neutralize` need industry codes (`options.groups.industry`, one integer per asset or a',
    '  dates x assets panel; NaN or negative = unknown).',
    '- Identical subexpressions are computed once across all the formulas of one call.',
    '- The limits below apply; windows and lags are at most `maxWindow` days.',
    '',
  );
  const labels: Record<string, string> = {
    daily_ts: 'Time series (across trading days, per asset)',
    cross_section: 'Cross-sectional (per date, across assets)',
    group: 'Group (per date, within an industry)',
  };
  for (const family of ['daily_ts', 'cross_section', 'group'] as const) {
    L.push(
      `### ${labels[family]}`,
      '',
      '| operator | qlib | what it computes | window | missing values | example |',
      '|---|---|---|---|---|---|',
    );
    for (const op of OPERATORS.filter((o) => o.level === 'daily' && o.family === family)) {
      const aliases = op.aliases !== undefined ? ` (also \`${op.aliases.join('`, `')}\`)` : '';
      L.push(
        `| \`${escapeCell(signature(op))}\`${aliases} | ${op.qlib !== undefined ? `\`${op.qlib}\`` : '-'} | ${escapeCell(op.doc)} | ${escapeCell(op.window)} | ${escapeCell(op.nan)} | \`${escapeCell(op.example)}\` |`,
      );
    }
    L.push('');
  }
  L.push('### Elementwise at the daily level', '', '| operator | qlib |', '|---|---|');
  for (const op of operatorsAt('daily').filter((o) => o.level === undefined)) {
    L.push(`| \`${escapeCell(signature(op))}\` | ${op.qlib !== undefined ? `\`${op.qlib}\`` : '-'} |`);
  }
  L.push(
    '',
    '### Shipped daily factors (`DAILY_LIBRARY`)',
    '',
    '| name | formula | inputs | meaning |',
    '|---|---|---|---|',
  );
  for (const f of DAILY_LIBRARY) {
    L.push(
      `| \`${f.name}\` | \`${escapeCell(f.formula)}\` | ${[...f.inputs, ...(f.industry ? ['industry'] : [])].join(', ')} | ${escapeCell(f.meaning)} |`,
    );
  }
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
