import { parseArgs } from 'node:util';
import { createProgressBar, HfqError, type ProgressSink } from '@hfq/core';
import { IMPORT_REPORT_FILE } from '../manifest.js';

// The verbs' modules (and with them the simulator, the factor compiler, the Parquet code) are
// imported when a verb runs, so that `hfq --help` starts fast.

/** Where the CLI writes: results on `stdout`, progress and errors on `stderr`. */
export interface CliIo {
  stdout: ProgressSink;
  stderr: ProgressSink;
  /**
   * The environment the array-job variables are read from (`hfq factors`); `bin.ts` passes
   * `process.env`. Absent: none set.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Exit codes of `hfq`. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `hfq: high-frequency factor research on your own data

Usage: hfq <verb> [options]    (hfq <verb> --help for each)

Verbs:
  sim export <dir>        write the built-in simulated market as a dataset
  data import <dir> <file...> [--ticks <file...>] [--daily F] [--index-...] [--industries F]
                          import your files (per day, stock-day, stock or one file) into a new dataset
  data check <dir>        validate every partition of a dataset
  factors --data <dir> --set <name|file> --out <dir>
                          evaluate factors over a dataset, one file per date
  factors --verify <out> [--against <dir>]
                          check that a factor output has every date exactly once (and
                          equals another run value for value)
  run <workflow.yaml>     the whole study from one workflow file, cached by stage (@hfq/workflow)

Exit codes: 0 ok, 1 data or check failed, 2 usage error.
Docs: docs/cli.md, docs/dataset.md`,
  'sim export': `Usage: hfq sim export <dir> [--stocks N] [--days D] [--seed S] [--daily-only] [--no-ticks]
                      [--start-date D] [--tick-interval-ms MS]

Writes the deterministic simulated market of @hfq/sim as a dataset in <dir> (new or empty):
minute and tick partitions per day, daily panels, the index and per-asset metadata.

  --stocks N      number of stocks (simulator default 300)
  --days D        number of trading days (simulator default 500)
  --seed S        seed (number or text; default 1)
  --daily-only    no minute or tick partitions (daily, index and meta only)
  --no-ticks      no tick partitions (they are ~20x the size of the minute bars)
  --start-date D  first calendar day, yyyymmdd (simulator default 20200102)
  --tick-interval-ms MS  tick snapshot cadence in ms, 3000..60000 (simulator default 3000)`,
  'data import': `Usage: hfq data import <dir> [<file>...] [--ticks <file>...] [options]

Imports your own data into a new dataset in <dir>. Intraday files (CSV, .csv.gz or Parquet) come in
one of four layouts (--layout, the same for minute bars and ticks):

  day         one file per trading day holding all stocks (default). Files are taken in date order
              (from {date} in --pattern, else by name: name them 20240102.csv, ...).
              e.g.  hfq data import ds bars/*.csv
  stock-day   one file per stock and day; needs --pattern with {date} (and usually {asset}).
              e.g.  hfq data import ds bars/*/*.csv --layout stock-day --pattern '{asset}/{date}.csv'
  stock       one file per stock holding all its days in date order; all files are read together.
              e.g.  hfq data import ds bars/*.parquet --layout stock --pattern '{asset}.parquet'
  all         a file holding any stocks and days in any order (read whole into memory, then
              taken day by day): a vendor's one-file sample.
              e.g.  hfq data import ds bars15m.csv.gz --layout all

A pattern ({asset}, {date} = yyyymmdd or yyyy-mm-dd, * = any text in one path segment) is matched
against the end of each path; what it captures is checked against the rows and fills a column the
file lacks (a file per stock without a symbol column). A file that does not match is rejected.

Every stock-day is validated (by @hfq/bars) on the way in: every repaired row and every rejected
stock-day (with the rule, row and field it broke) is reported per file. A summary is printed; the
full report goes to <dir>/${IMPORT_REPORT_FILE} (and --report FILE). Exit 1 when a file could not
be read or more than --max-reject of the stock-days were rejected.

  --ticks FILE...     the files after it are Level-2/tick snapshots (files before it: minute bars)
  --layout L          day, stock-day, stock or all
  --pattern P         file-name pattern (above)
  --mapping NAME      column names of the minute files: canonical (hfq's own, default), vendor
                      (symbol/exchange/tradingDay/time/.../turnover), derived (bars from trades)
  --tick-mapping NAME column names of the tick files: canonical (default), sse-l2
                      (SecurityID/DateTime/LastPx/BidPrice0..9/...), szse-l2 (MDDate/MDTime/...)
  --daily FILE        daily bars (date,symbol,open,high,low,close,volume,factor): their days and
                      assets become the dataset's; intraday stock-days outside them are rejected
  --index-membership FILE --index-name NAME
                      a benchmark index: membership intervals (symbol,start_date,end_date)
  --index-daily FILE --index-symbol SYMBOL
                      the index's daily closes (date,symbol,...,close,...)
  --index-weights W   nan (default) or equal
  --industries FILE   industries per stock (columns symbol,industry; --industry-columns A,B)
  --strict            reject every stock-day that breaks a rule instead of repairing what is
                      unambiguous (sort, exact duplicate rows, float artefacts off the tick grid)
  --max-reject SHARE  share of stock-days (0..1) that may be rejected with exit 0 (default 0)
  --report FILE       also write the full report (JSON) to FILE
  --details N         rejections and repairs printed per file (default 10; all are in the report)`,
  'data check': `Usage: hfq data check <dir>

Validates a dataset: dataset.json, every minute and tick partition (every frame, its date,
assets and claimed counts), the daily panels, the index and the metadata. Prints one line per
problem naming the file, row and field. Exit 1 if any.`,
  factors: `Usage: hfq factors --data <dir> --set <name|file> --out <dir> [--format parquet|csv]
                   [--shard i/N|auto] [--shards N]
       hfq factors --verify <out> [--against <dir>]

Evaluates a factor set over a dataset, streaming one day partition at a time, and writes
<out>/date=YYYYMMDD/part-<i>.<ext> in long form (date, asset, <factor>...). Re-running a finished
shard does nothing.

  --data DIR      the dataset
  --set NAME|FILE library, baseline, minute, vbar, tick (intraday), alpha158, daily (daily level:
                  dataset's daily panels, industry codes, intraday factors by id), or a JSON
                  file [{id, source, formula}] (source minute|vbar|tick, or daily for all)
  --out DIR       output directory (all shards of a run write into the same one)
  --format F      parquet (default) or csv
  --shard i/N     evaluate only the i-th (0-based) of N contiguous blocks of days
  --shard auto    take the shard from the array-job scheduler (below); error if none is set
  --shards N      the number of tasks, for schedulers that set only an index
  --verify OUT    check that every date of OUT is there exactly once; exit 1 naming what is not
  --against DIR   with --verify: also read both outputs whole and compare every value exactly
                  (NaN equals NaN); exit 1 naming the first differing cells

Array jobs: with no --shard (or --shard auto) the shard comes from the environment:
  Slurm       SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT (task = (ID - SLURM_ARRAY_TASK_MIN)
              / SLURM_ARRAY_TASK_STEP; submit a dense array, e.g. sbatch --array=0-9)
  Kubernetes  JOB_COMPLETION_INDEX (Indexed Job) with --shards N = the Job's completions
  AWS Batch   AWS_BATCH_JOB_ARRAY_INDEX with --shards N = the array size
Neither flag nor variable: the whole run (0/1). --shard i/N together with a variable that names
another shard, two schedulers' variables at once, or --shards that disagrees: usage error (exit 2).
Merge and check at the end: hfq factors --verify <out> [--against <one-process-out>].`,
};

function help(io: CliIo, key: string): number {
  io.stdout.write(`${HELP[key]}\n`);
  return EXIT_OK;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse(
  args: string[],
  options: OptionSpec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(String(v)) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
  return n;
}

/**
 * Runs the `hfq` command line (`argv` without `node` and the script). Returns the exit code:
 * 0 ok, 1 data or check failed, 2 usage error. Never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const progress = createProgressBar(io.stderr);
  const [verb, ...rest] = argv;
  let key = 'main';
  try {
    if (verb === undefined) {
      io.stderr.write(`${HELP.main}\n`);
      return EXIT_USAGE;
    }
    if (verb === '--help' || verb === '-h' || verb === 'help') return help(io, 'main');
    if (verb === 'sim' || verb === 'data') {
      const [sub, ...args] = rest;
      key = `${verb} ${sub}`;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        key = 'main';
        if (sub === undefined) throw new UsageError(`${verb} needs a sub-command`);
        return help(io, 'main');
      }
      if (HELP[key] === undefined) throw new UsageError(`unknown command: ${key}`);
      if (key === 'sim export') return await simExport(args, io, progress);
      if (key === 'data import') return await dataImport(args, io, progress);
      return await dataCheck(args, io, progress);
    }
    if (verb === 'factors') {
      key = 'factors';
      return await factors(rest, io, progress);
    }
    if (verb === 'run') return await (await import('./run.js')).runWorkflowCli(rest, io, progress);
    throw new UsageError(`unknown verb: ${verb}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hfq: ${e.message}\n(see hfq ${key === 'main' ? '' : `${key} `}--help)\n`);
      return EXIT_USAGE;
    }
    if (HfqError.is(e)) {
      io.stderr.write(`hfq: ${e.message}\n`);
      return e.code === 'DATASET_INPUT' || e.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILED;
    }
    io.stderr.write(`hfq: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_FAILED;
  }
}

type Progress = ReturnType<typeof createProgressBar>;

async function simExport(args: string[], io: CliIo, onProgress: Progress): Promise<number> {
  const { values, positionals } = parse(args, {
    stocks: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    'daily-only': { type: 'boolean' },
    'no-ticks': { type: 'boolean' },
    'start-date': { type: 'string' },
    'tick-interval-ms': { type: 'string' },
  });
  if (values.help) return help(io, 'sim export');
  if (positionals.length !== 1) throw new UsageError('sim export needs exactly one <dir>');
  const { exportSimMarket } = await import('../sim-export.js');
  const stocks = intOption(values.stocks, 'stocks');
  const days = intOption(values.days, 'days');
  const seedText = values.seed as string | undefined;
  const config = {
    ...(stocks !== undefined ? { nStocks: stocks } : {}),
    ...(days !== undefined ? { nDays: days } : {}),
    ...(seedText !== undefined ? { seed: /^-?\d+$/.test(seedText) ? Number(seedText) : seedText } : {}),
    ...(values['start-date'] !== undefined
      ? { startDate: intOption(values['start-date'], 'start-date') }
      : {}),
    ...(values['tick-interval-ms'] !== undefined
      ? { tickIntervalMs: intOption(values['tick-interval-ms'], 'tick-interval-ms') }
      : {}),
  };
  const dir = positionals[0]!;
  const m = await exportSimMarket(dir, {
    config,
    dailyOnly: values['daily-only'] === true,
    ticks: values['no-ticks'] !== true,
    onProgress,
  });
  io.stdout.write(
    `wrote ${dir}: ${m.calendar.length} days (${m.calendar[0]}..${m.calendar[m.calendar.length - 1]}), ${m.assets.length} assets, ` +
      `${m.minute.length} minute and ${m.ticks.length} tick partitions\n`,
  );
  return EXIT_OK;
}

async function dataImport(args: string[], io: CliIo, onProgress: Progress): Promise<number> {
  const { values, positionals } = parse(args, {
    ticks: { type: 'boolean' },
    layout: { type: 'string' },
    pattern: { type: 'string' },
    mapping: { type: 'string' },
    'tick-mapping': { type: 'string' },
    daily: { type: 'string' },
    'index-membership': { type: 'string' },
    'index-name': { type: 'string' },
    'index-daily': { type: 'string' },
    'index-symbol': { type: 'string' },
    'index-weights': { type: 'string' },
    industries: { type: 'string' },
    'industry-columns': { type: 'string' },
    strict: { type: 'boolean' },
    'max-reject': { type: 'string' },
    report: { type: 'string' },
    details: { type: 'string' },
  });
  if (values.help) return help(io, 'data import');
  const { IMPORT_MAPPINGS, IMPORT_TICK_MAPPINGS, importFiles } = await import('../import.js');
  // files before --ticks are minute bars, after it tick snapshots
  const ticksAt = args.indexOf('--ticks');
  const before = ticksAt < 0 ? args : args.slice(0, ticksAt);
  const isFile = (f: string) => positionals.includes(f);
  const [dir, ...rest] = positionals;
  if (dir === undefined) throw new UsageError('data import needs <dir>');
  const tickFiles = ticksAt < 0 ? [] : rest.filter((f) => args.indexOf(f, ticksAt) > ticksAt);
  const minuteFiles = rest.filter((f) => !tickFiles.includes(f) && before.includes(f) && isFile(f));
  const pick = (table: Readonly<Record<string, unknown>>, v: unknown, flag: string, dflt: string) => {
    const name = (v as string | undefined) ?? dflt;
    if (!Object.hasOwn(table, name))
      throw new UsageError(`--${flag} must be one of ${Object.keys(table).join(', ')}, got ${name}`);
    return table[name] as (typeof IMPORT_MAPPINGS)[string];
  };
  const layout = (values.layout as string | undefined) ?? 'day';
  if (layout !== 'day' && layout !== 'stock-day' && layout !== 'stock' && layout !== 'all')
    throw new UsageError(`--layout must be day, stock-day, stock or all, got ${layout}`);
  const pattern = values.pattern as string | undefined;
  const common = { layout, ...(pattern !== undefined ? { pattern } : {}) } as const;
  let maxReject = 0;
  if (values['max-reject'] !== undefined) {
    maxReject = Number(values['max-reject']);
    if (!/^\d*\.?\d+$/.test(String(values['max-reject'])) || !(maxReject >= 0 && maxReject <= 1))
      throw new UsageError(`--max-reject must be a share in [0, 1], got ${String(values['max-reject'])}`);
  }
  const details = values.details === undefined ? 10 : (intOption(values.details, 'details') ?? 10);
  const indexFlags = [
    'index-membership',
    'index-name',
    'index-daily',
    'index-symbol',
    'index-weights',
  ] as const;
  const anyIndex = indexFlags.some((k) => values[k] !== undefined);
  if (anyIndex && (values['index-membership'] === undefined || values['index-name'] === undefined))
    throw new UsageError('an index needs --index-membership and --index-name');
  const weights = (values['index-weights'] as string | undefined) ?? 'nan';
  if (weights !== 'nan' && weights !== 'equal')
    throw new UsageError(`--index-weights must be nan or equal, got ${weights}`);
  const [assetColumn, industryColumn] = (
    (values['industry-columns'] as string | undefined) ?? 'symbol,industry'
  ).split(',');
  if (minuteFiles.length === 0 && tickFiles.length === 0 && values.daily === undefined)
    throw new UsageError('data import needs files (minute bars, --ticks files or --daily)');
  const report = await importFiles(
    dir,
    {
      ...(minuteFiles.length > 0
        ? {
            minute: {
              files: minuteFiles,
              ...common,
              mapping: pick(IMPORT_MAPPINGS, values.mapping, 'mapping', 'canonical'),
            },
          }
        : {}),
      ...(tickFiles.length > 0
        ? {
            ticks: {
              files: tickFiles,
              ...common,
              mapping: pick(IMPORT_TICK_MAPPINGS, values['tick-mapping'], 'tick-mapping', 'canonical'),
            },
          }
        : {}),
      ...(values.daily !== undefined ? { daily: { file: values.daily as string } } : {}),
      ...(anyIndex
        ? {
            index: {
              name: values['index-name'] as string,
              membership: values['index-membership'] as string,
              weights,
              ...(values['index-daily'] !== undefined ? { indexDaily: values['index-daily'] as string } : {}),
              ...(values['index-symbol'] !== undefined
                ? { indexSymbol: values['index-symbol'] as string }
                : {}),
            },
          }
        : {}),
      ...(values.industries !== undefined
        ? {
            industries: {
              file: values.industries as string,
              ...(assetColumn ? { assetColumn } : {}),
              ...(industryColumn ? { industryColumn } : {}),
            },
          }
        : {}),
    },
    { mode: values.strict ? 'strict' : 'repair', maxReject, onProgress },
  );
  let stockDays = 0;
  let repairs = 0;
  let rejected = 0;
  for (const f of report.files) {
    stockDays += f.stockDays;
    repairs += f.repaired.length;
    rejected += f.rejected.length;
    const head = `${f.file}: `;
    if (f.error !== null) {
      io.stdout.write(
        f.readThrough === null
          ? `${head}REJECTED whole file: ${f.error}\n`
          : `${head}REJECTED after ${f.readThrough}: ${f.error}\n`,
      );
      if (f.readThrough === null) continue;
    }
    const what = f.kind === 'minute' || f.kind === 'ticks' ? 'stock-days' : 'assets';
    io.stdout.write(
      `${head}${f.kind}${f.date !== null ? ` ${f.date}` : ''}: ${f.stockDays} ${what}, ${f.rows} rows written, ${f.repaired.length} repairs, ${f.rejected.length} ${what} rejected\n`,
    );
    let shown = 0;
    for (const c of f.repaired) {
      if (shown++ >= details) break;
      io.stdout.write(
        `  repaired ${c.asset} ${c.action} ${c.code}${c.row !== undefined ? ` row ${c.row}` : ''}${c.field ? ` field ${c.field}` : ''}${c.before !== undefined ? ` ${c.before} -> ${c.after}` : ''}\n`,
      );
    }
    for (const r of f.rejected) {
      for (const i of r.issues) {
        if (shown++ >= details) break;
        io.stdout.write(
          `  rejected ${r.asset}${r.date !== null ? ` ${r.date}` : ''}: ${i.code}${i.row !== undefined ? ` row ${i.row}` : ''}${i.field ? ` field ${i.field}` : ''}: ${i.message}\n`,
        );
      }
    }
    const all = f.repaired.length + f.rejected.reduce((n, r) => n + r.issues.length, 0);
    if (all > details) io.stdout.write(`  ... ${all - details} more in the report\n`);
  }
  if (values.report !== undefined) {
    const { writeFileAtomicSync } = await import('@hfq/core');
    writeFileAtomicSync(
      values.report as string,
      `${JSON.stringify({ ...report, manifest: undefined }, null, 1)}\n`,
    );
  }
  io.stdout.write(
    `${report.files.length} files: ${stockDays} written, ${repairs} repairs, ${rejected} rejected (${(100 * report.rejectedShare).toFixed(2)}% of stock-days; --max-reject ${maxReject})\n`,
  );
  io.stdout.write(
    report.ok
      ? `imported into ${dir}\n`
      : `imported into ${dir} with rejections: see ${dir}/${IMPORT_REPORT_FILE}\n`,
  );
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

async function dataCheck(args: string[], io: CliIo, onProgress: Progress): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return help(io, 'data check');
  if (positionals.length !== 1) throw new UsageError('data check needs exactly one <dir>');
  const { checkDataset } = await import('../check.js');
  const problems = await checkDataset(positionals[0]!, { onProgress });
  for (const p of problems) {
    const where = [
      p.file !== null ? `file ${p.file}` : '',
      p.row !== null ? `row ${p.row}` : '',
      p.field !== null ? `field ${p.field}` : '',
    ]
      .filter((s) => s !== '')
      .join(', ');
    io.stdout.write(`${where}: ${p.message}\n`);
  }
  io.stdout.write(
    problems.length === 0 ? `${positionals[0]}: ok\n` : `${positionals[0]}: ${problems.length} problem(s)\n`,
  );
  return problems.length === 0 ? EXIT_OK : EXIT_FAILED;
}

async function factors(args: string[], io: CliIo, onProgress: Progress): Promise<number> {
  const { values, positionals } = parse(args, {
    data: { type: 'string' },
    set: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    shard: { type: 'string' },
    shards: { type: 'string' },
    verify: { type: 'string' },
    against: { type: 'string' },
  });
  if (values.help) return help(io, 'factors');
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const { compareFactorOutputs, readFactorOutput, verifyFactorOutput, writeFactorShard } = await import(
    '../factor-output.js'
  );
  if (values.against !== undefined && values.verify === undefined)
    throw new UsageError('--against goes with --verify <out>');
  if (values.verify !== undefined) {
    for (const k of ['data', 'set', 'out', 'format', 'shard', 'shards'] as const)
      if (values[k] !== undefined) throw new UsageError(`--verify takes no --${k}`);
    const out = values.verify as string;
    const r = await verifyFactorOutput(out);
    if (r.missing.length > 0)
      io.stdout.write(`missing dates (${r.missing.length}): ${r.missing.join(' ')}\n`);
    if (r.duplicated.length > 0)
      io.stdout.write(`dates written more than once (${r.duplicated.length}): ${r.duplicated.join(' ')}\n`);
    if (r.unexpected.length > 0) io.stdout.write(`unexpected: ${r.unexpected.join(' ')}\n`);
    for (const b of r.broken) io.stdout.write(`broken: ${b}\n`);
    io.stdout.write(r.ok ? `${out}: ok\n` : `${out}: incomplete\n`);
    if (!r.ok) return EXIT_FAILED;
    const against = values.against as string | undefined;
    if (against === undefined) return EXIT_OK;
    const c = compareFactorOutputs(await readFactorOutput(out), await readFactorOutput(against));
    if (c.shapeMismatch !== null) {
      io.stdout.write(`${out} vs ${against}: ${c.shapeMismatch}\n`);
      return EXIT_FAILED;
    }
    for (const d of c.first) io.stdout.write(`differs: ${d.factor} ${d.date} ${d.asset}: ${d.a} vs ${d.b}\n`);
    io.stdout.write(
      c.equal
        ? `${out} equals ${against} value for value\n`
        : `${out} vs ${against}: ${c.differing} value(s) differ\n`,
    );
    return c.equal ? EXIT_OK : EXIT_FAILED;
  }
  for (const k of ['data', 'set', 'out'] as const)
    if (values[k] === undefined) throw new UsageError(`factors needs --${k}`);
  const format = (values.format as string | undefined) ?? 'parquet';
  if (format !== 'parquet' && format !== 'csv')
    throw new UsageError(`--format must be parquet or csv, got ${format}`);
  const { resolveShard } = await import('../shard.js');
  const resolved = resolveShard({
    shard: values.shard as string | undefined,
    shards: values.shards as string | undefined,
    env: io.env ?? {},
  });
  const shard = { index: resolved.index, count: resolved.count };
  const { resolveAnyFactorSet } = await import('../daily-factors.js');
  const set = resolveAnyFactorSet(values.set as string);
  const { openDataset } = await import('../reader.js');
  const ds = openDataset(values.data as string, { loadOnDemand: true });
  const r = await writeFactorShard(ds, set, values.out as string, { format, shard, onProgress }).finally(() =>
    ds.close(),
  );
  io.stdout.write(
    `shard ${shard.index}/${shard.count}${resolved.source === 'flag' || resolved.source === 'default' ? '' : ` (from ${resolved.source})`}: ${r.written.length} dates written, ${r.skipped.length} already there\n`,
  );
  return EXIT_OK;
}
