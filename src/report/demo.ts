/**
 * The `lobkit demo` report: one result object (everything the run measured) rendered as JSON
 * (report.json), markdown (report.md) and the plain-text screen summary. Pure: no I/O; the CLI
 * collects the results and writes the files.
 *
 * Everything outside `run` is a function of the options (seed, hours, symbols, folds) and the
 * code: two runs with the same options give the same report apart from `run` (timings, folders,
 * time of day). Paths inside the report are relative to the report folder.
 */

/** A metric across folds. */
export interface Dist {
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Folds with a finite value. */
  n: number;
}

export interface DemoInstrumentIntegrity {
  venue: string;
  symbol: string;
  messages: number;
  bookUpdates: number;
  trades: number;
  seconds: number;
  gaps: number;
  resyncs: number;
  crossed: number;
  locked: number;
  disordered: number;
  checksumFailed: number;
  bboCompared: number;
  bboMismatched: number;
  spreadBpsP50: number | null;
  /** Integrity failures as `lobkit replay` counts them (0 = the book was intact throughout). */
  failures: number;
}

export interface DemoFoldRow {
  fold: number;
  trainRows: number;
  testRows: number;
  testStart: string;
  testEnd: string;
  /** ROC AUC (multiclass: macro one-vs-rest). */
  auc: number;
  logLoss: number;
  accuracy: number;
  /** Accuracy of the best constant prediction on the test block (share of its most frequent class). */
  majority: number;
  /** Pearson / Spearman correlation of the out-of-sample score with the evaluation return label. */
  ic: number;
  rankIc: number;
}

export interface DemoTrading {
  venue: string;
  symbol: string;
  /** Fee scenario: entry role / exit role (taker/taker, maker/taker, maker/maker). */
  scenario: string;
  /** Non-overlapping trades (one position at a time), threshold 0: every fold's distribution. */
  trades: Dist;
  tradesPerDay: Dist;
  grossBpsPerTrade: Dist;
  bpsPerTrade: Dist;
  totalBps: Dist;
  winRate: Dist;
  /** Mean cost per trade (spread crossed + fees + slippage), bps: medians across folds. */
  costBps: number;
  /** A perfect direction at the same entries, after the same costs: the ceiling of this horizon. */
  oracleBpsPerTrade: Dist;
}

export interface DemoModel {
  kind: string;
  name: string;
  version: string;
  /** Artifact folder, relative to the report folder. */
  artifact: string;
  gitSha: string | null;
  label: string;
  task: string;
  classes: number[];
  features: number;
  folds: DemoFoldRow[];
  summary: { auc: Dist; logLoss: Dist; accuracy: Dist; majority: Dist; ic: Dist; rankIc: Dist };
  trading: DemoTrading[];
  /** GBDT: features by total gain; linear: by |standardized weight|; at most 10. */
  topFeatures: { name: string; value: number }[];
  finalRows: number;
}

export interface DemoReport {
  format: 'lobkit-demo-report';
  version: 1;
  ok: boolean;
  config: {
    venue: string;
    seed: number | string;
    hours: number;
    start: string;
    symbols: string[];
    folds: number;
    split: string;
    label: string;
    evalLabel: string;
    holdSeconds: number;
    fees: { makerBps: number; takerBps: number; source: string };
    /** Hyper-parameters per model kind (the rest: lobkit train's defaults; the artifacts hold the full configuration). */
    params: Record<string, Record<string, number>>;
  };
  data: {
    /** Raw files, relative to the report folder. */
    files: { path: string; bytes: number }[];
    bookEvents: number;
    trades: number;
    frames: number;
    badLines: number;
    fileErrors: number;
    integrityFailures: number;
    instruments: DemoInstrumentIntegrity[];
  };
  features: { specHash: string; count: number; rows: number; warmRows: number; files: number };
  labels: { specHash: string; labels: string[]; target: string; classes: Record<string, number>; rows: number };
  dataset: {
    dir: string;
    manifest: string;
    inputRows: number;
    rows: number;
    excluded: { warmup: number; invalid: number; unlabeled: number };
    features: number;
    leakCheck: { pairs: number; strongest: { feature: string; label: string; pearson: number; spearman: number } | null } | null;
  };
  split: { kind: string; mode: string; folds: number; embargoNs: number; verified: boolean; violations: string[] };
  models: DemoModel[];
  run: { out: string; startedAt: string; seconds: number; stages: { name: string; seconds: number }[]; lobkitVersion: string | null; node: string };
}

const fx = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const dist = (x: Dist, d = 3): string => (x.n === 0 ? '-' : `${fx(x.mean, d)} [${fx(x.min, d)}, ${fx(x.max, d)}]`);
const signed = (x: number, d = 2): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(d)}` : '-');

/** Does the model beat chance out of sample (AUC > 0.5 and IC > 0 in every fold)? One line, plain words. */
export function modelVerdict(m: DemoModel): string {
  const s = m.summary;
  const aucAll = m.folds.every((f) => f.auc > 0.5);
  const accEdge = s.accuracy.mean - s.majority.mean;
  const parts = [
    `AUC ${fx(s.auc.mean)} (${aucAll ? 'above 0.5 in every fold' : `at or below 0.5 in ${m.folds.filter((f) => !(f.auc > 0.5)).length} of ${m.folds.length} folds`})`,
    `IC ${fx(s.ic.mean)}`,
    `accuracy ${fx(s.accuracy.mean)} vs ${fx(s.majority.mean)} for always predicting the majority class (${signed(100 * accEdge, 1)} pts)`,
  ];
  const learned = aucAll && m.folds.every((f) => f.ic > 0);
  return `${learned ? 'learned a real out-of-sample signal' : 'no reliable out-of-sample signal'}: ${parts.join('; ')}`;
}

/** Does trading the signal make money after costs? One line per scenario, plain words. */
export function tradingVerdict(t: DemoTrading): string {
  const net = t.bpsPerTrade.mean;
  const gross = t.grossBpsPerTrade.mean;
  const folds = `${t.totalBps.n} folds`;
  const lose = `${t.scenario}: LOSES money after costs — ${fx(net, 2)} bps per trade (gross ${signed(gross)} bps, costs ${fx(t.costBps, 2)} bps), total ${fx(t.totalBps.mean, 0)} bps per fold over ${folds}`;
  const win = `${t.scenario}: makes ${fx(net, 2)} bps per trade after costs (gross ${signed(gross)} bps, costs ${fx(t.costBps, 2)} bps), total ${fx(t.totalBps.mean, 0)} bps per fold`;
  if (!(t.trades.mean > 0)) return `${t.scenario}: no trades`;
  if (net <= 0) {
    const oracle = t.oracleBpsPerTrade.mean <= 0 ? '; even a perfect direction at these entries would lose, so the costs, not the model, decide' : '';
    return lose + oracle;
  }
  return win + (t.totalBps.min < 0 ? ` (but negative in at least one fold: min ${fx(t.totalBps.min, 0)} bps)` : ' (positive in every fold)');
}

/** Class counts in numeric order (JS lists integer-like keys before "-1"). */
const classEntries = (c: Record<string, number>): [string, number][] => Object.entries(c).sort((a, b) => Number(a[0]) - Number(b[0]));

function textTable(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd();
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function mdTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n') + '\n';
}

const foldRow = (f: DemoFoldRow): string[] => [String(f.fold), String(f.trainRows), String(f.testRows), fx(f.auc), fx(f.ic), fx(f.rankIc), fx(f.accuracy), fx(f.majority), fx(f.logLoss)];
const FOLD_HEADER = ['fold', 'train', 'test', 'AUC', 'IC', 'rank IC', 'accuracy', 'majority', 'log loss'];
const summaryRows = (m: DemoModel): string[][] => [
  ['AUC', dist(m.summary.auc)],
  ['IC', dist(m.summary.ic)],
  ['rank IC', dist(m.summary.rankIc)],
  ['accuracy', dist(m.summary.accuracy)],
  ['majority baseline', dist(m.summary.majority)],
  ['log loss', dist(m.summary.logLoss)],
];
const tradeRow = (t: DemoTrading, multi: boolean): string[] => [
  multi ? `${t.symbol} ${t.scenario}` : t.scenario,
  fx(t.trades.mean, 0),
  fx(t.grossBpsPerTrade.mean, 2),
  fx(t.costBps, 2),
  dist(t.bpsPerTrade, 2),
  dist(t.totalBps, 0),
  fx(t.winRate.mean, 2),
  fx(t.oracleBpsPerTrade.mean, 2),
];
const TRADE_HEADER = ['fees', 'trades/fold', 'gross bps', 'cost bps', 'net bps/trade', 'total bps/fold', 'win rate', 'oracle net'];

function integrityLine(r: DemoReport): string {
  const d = r.data;
  const sum = (f: (i: DemoInstrumentIntegrity) => number) => d.instruments.reduce((a, i) => a + f(i), 0);
  return `gaps ${sum((i) => i.gaps)}, crossed ${sum((i) => i.crossed)}, locked ${sum((i) => i.locked)}, disordered ${sum((i) => i.disordered)}, bookTicker mismatches ${sum((i) => i.bboMismatched)}/${sum((i) => i.bboCompared)}, bad lines ${d.badLines}, integrity failures ${d.integrityFailures}`;
}

/** The plain-text summary printed at the end of `lobkit demo`. */
export function formatDemoSummary(r: DemoReport): string {
  const c = r.config;
  const multi = r.data.instruments.length > 1;
  let s = `lobkit demo — ${c.hours} h of a simulated ${c.venue} market (${c.symbols.join(', ')}), seed ${c.seed}\n\n`;
  s += `data      ${r.data.bookEvents.toLocaleString('en-US')} book events, ${r.data.trades.toLocaleString('en-US')} trades, ${r.data.frames.toLocaleString('en-US')} frames in ${r.data.files.length} raw files\n`;
  s += `books     ${r.data.instruments.map((i) => `${i.symbol} ${i.bookUpdates.toLocaleString('en-US')} updates`).join(', ')}; ${integrityLine(r)}\n`;
  s += `features  ${r.features.count} features (spec ${r.features.specHash}), ${r.features.rows.toLocaleString('en-US')} rows (${r.features.warmRows.toLocaleString('en-US')} warm)\n`;
  const cls = classEntries(r.labels.classes).map(([k, v]) => `${k}: ${((100 * v) / Math.max(1, r.labels.rows)).toFixed(1)}%`).join(', ');
  s += `labels    target ${r.labels.target} (${cls}); trades judged by ${c.evalLabel} (hold ${c.holdSeconds} s)\n`;
  const lk = r.dataset.leakCheck;
  s += `dataset   ${r.dataset.rows.toLocaleString('en-US')} rows kept of ${r.dataset.inputRows.toLocaleString('en-US')} (warm-up ${r.dataset.excluded.warmup}, invalid ${r.dataset.excluded.invalid}, unlabelled ${r.dataset.excluded.unlabeled}); leak guard: ${lk ? `${lk.pairs} feature/label pairs clean` : 'skipped'}\n`;
  s += `split     ${r.split.kind} (${r.split.mode}), ${r.split.folds} folds, purged by label end: ${r.split.verified ? 'verified, 0 violations' : `${r.split.violations.length} VIOLATIONS`}\n`;
  for (const m of r.models) {
    s += `\n${m.kind} → ${m.label} (${m.features} features): ${modelVerdict(m)}\n`;
    s += textTable(FOLD_HEADER, m.folds.map(foldRow));
    s += 'across folds: mean [min, max]\n';
    for (const [k, v] of summaryRows(m)) s += `  ${k.padEnd(18)} ${v}\n`;
    s += `trades after costs (non-overlapping, one position at a time; ${c.fees.source}: maker ${c.fees.makerBps} bps, taker ${c.fees.takerBps} bps)\n`;
    s += textTable(TRADE_HEADER, m.trading.map((t) => tradeRow(t, multi)));
    for (const t of m.trading) s += `  ${multi ? `${t.symbol} ` : ''}${tradingVerdict(t)}\n`;
  }
  s += `\nartifacts (version, feature list + spec hash, standardization, label spec, training config, dataset manifest, git SHA, per-fold metrics):\n`;
  for (const m of r.models) s += `  ${m.kind.padEnd(9)} ${r.run.out}/${m.artifact}  (${m.name}@${m.version}${m.gitSha ? `, git ${m.gitSha.slice(0, 10)}` : ''})\n`;
  s += `\nreport: ${r.run.out}/report.md and ${r.run.out}/report.json; dataset manifest ${r.run.out}/${r.dataset.manifest}\n`;
  s += `${r.ok ? 'OK' : 'FAILED'} in ${r.run.seconds.toFixed(1)} s (${r.run.stages.map((x) => `${x.name} ${x.seconds.toFixed(1)}`).join(', ')})\n`;
  return s;
}

/** report.md: the same content as the screen summary, as a document. */
export function demoMarkdown(r: DemoReport): string {
  const c = r.config;
  const multi = r.data.instruments.length > 1;
  let s = `# lobkit demo report\n\n`;
  s += `${c.hours} h of a simulated ${c.venue} market (${c.symbols.join(', ')}) from ${c.start}, seed ${c.seed}. `;
  s += `Walk-forward, ${c.folds} folds; models learn \`${c.label}\`; trades are judged by \`${c.evalLabel}\` (hold ${c.holdSeconds} s). Result: **${r.ok ? 'every stage passed' : 'FAILED'}**.\n\n`;
  s += `Hyper-parameters (the rest: \`lobkit train\` defaults): ${Object.entries(c.params).map(([k, v]) => `${k} \`${JSON.stringify(v)}\``).join('; ')}.\n\n`;
  s += `Reproduce: \`npx lobkit demo --seed ${c.seed} --hours ${c.hours} --symbols ${c.symbols.join(',')} --folds ${c.folds}\`\n\n`;

  s += `## Data: simulated market, replayed and reconstructed\n\n`;
  s += `${r.data.bookEvents} book events, ${r.data.trades} trades, ${r.data.frames} frames (Binance USD-M format: REST snapshot, diff depth, bookTicker, trades, markPrice) in ${r.data.files.length} files: ${r.data.files.map((f) => `\`${f.path}\``).join(', ')}.\n\n`;
  s += mdTable(
    ['symbol', 'messages', 'book updates', 'span s', 'gaps', 'resyncs', 'crossed', 'locked', 'disordered', 'bookTicker mismatched / compared', 'spread bps p50', 'failures'],
    r.data.instruments.map((i) => [i.symbol, String(i.messages), String(i.bookUpdates), fx(i.seconds, 0), String(i.gaps), String(i.resyncs), String(i.crossed), String(i.locked), String(i.disordered), `${i.bboMismatched} / ${i.bboCompared}`, fx(i.spreadBpsP50, 4), String(i.failures)]),
  );
  s += `\nIntegrity: ${integrityLine(r)}.\n\n`;

  s += `## Features, labels, dataset\n\n`;
  s += `- Features: ${r.features.count} (default spec, hash \`${r.features.specHash}\`), ${r.features.rows} rows on a 100 ms grid, ${r.features.warmRows} warm.\n`;
  s += `- Labels (spec \`${r.labels.specHash}\`): ${r.labels.labels.map((l) => `\`${l}\``).join(', ')}. Target \`${r.labels.target}\` classes over the kept rows: ${classEntries(r.labels.classes).map(([k, v]) => `${k}: ${v}`).join(', ')}.\n`;
  const lk = r.dataset.leakCheck;
  s += `- Dataset \`${r.dataset.dir}\` (manifest \`${r.dataset.manifest}\`): ${r.dataset.rows} of ${r.dataset.inputRows} rows kept (warm-up ${r.dataset.excluded.warmup}, invalid book ${r.dataset.excluded.invalid}, no label ${r.dataset.excluded.unlabeled}), ${r.dataset.features} feature columns.\n`;
  s += `- Leak guard: ${lk ? `${lk.pairs} feature/label pairs scanned, none a label proxy${lk.strongest ? ` (strongest: \`${lk.strongest.feature}\` ~ \`${lk.strongest.label}\`, Pearson ${fx(lk.strongest.pearson)}, Spearman ${fx(lk.strongest.spearman)})` : ''}` : 'skipped'}.\n`;
  s += `- Split: ${r.split.kind} (${r.split.mode}), ${r.split.folds} folds, training rows purged where their label window overlaps the test block; independent check: ${r.split.verified ? '0 violations' : `${r.split.violations.length} violations: ${r.split.violations.slice(0, 5).join('; ')}`}.\n\n`;

  s += `## Models (out of sample, per fold)\n\n`;
  for (const m of r.models) {
    s += `### ${m.kind} → \`${m.label}\`\n\n`;
    s += `${modelVerdict(m)}.\n\n`;
    s += mdTable([...FOLD_HEADER, 'test period'], m.folds.map((f) => [...foldRow(f), `${f.testStart.slice(0, 19)} → ${f.testEnd.slice(11, 19)}`]));
    s += `\nAcross folds, mean [min, max]:\n\n`;
    s += mdTable(['metric', 'mean [min, max]'], summaryRows(m));
    if (m.topFeatures.length) s += `\nTop features (${m.kind === 'gbdt' ? 'total gain' : '|standardized weight|'}): ${m.topFeatures.map((f) => `\`${f.name}\``).join(', ')}.\n`;
    s += `\nTrades after costs (non-overlapping: one position at a time, held ${c.holdSeconds} s; fees ${c.fees.source}: maker ${c.fees.makerBps} bps, taker ${c.fees.takerBps} bps; taker legs cross the spread). "oracle net": a perfect direction at the same entries, after the same costs.\n\n`;
    s += mdTable(TRADE_HEADER, m.trading.map((t) => tradeRow(t, multi)));
    s += '\n';
    for (const t of m.trading) s += `- ${multi ? `${t.symbol} ` : ''}${tradingVerdict(t)}.\n`;
    s += `\nArtifact: \`${m.artifact}\` (${m.name}@${m.version}, refit on ${m.finalRows} rows${m.gitSha ? `, git ${m.gitSha}` : ''}): \`artifact.json\`, \`model.json\`, \`feature-spec.json\`, \`normalization.json\`, \`label.json\`, \`training.json\`, \`dataset.json\`, \`metrics.json\`, \`oos-predictions.parquet\`. Inspect with \`npx lobkit models show ${r.run.out}/${m.artifact}\`.\n\n`;
  }
  s += `## Run\n\n`;
  s += mdTable(['stage', 'seconds'], [...r.run.stages.map((x) => [x.name, fx(x.seconds, 1)]), ['total', fx(r.run.seconds, 1)]]);
  s += `\nlobkit ${r.run.lobkitVersion ?? '?'}, Node ${r.run.node}, started ${r.run.startedAt}.\n`;
  return s;
}

/** report.json: the whole result, stable key order. */
export function demoJson(r: DemoReport): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/** A Dist from per-fold values (non-finite values are left out). */
export function toDist(values: ArrayLike<number>): Dist {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i]);
  if (xs.length === 0) return { mean: NaN, median: NaN, min: NaN, max: NaN, n: 0 };
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    median: xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2,
    min: xs[0],
    max: xs[xs.length - 1],
    n: xs.length,
  };
}
