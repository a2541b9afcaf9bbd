/**
 * The benchmark runner: `npm run bench` (full, about 8-9 minutes) or `npm run bench -- --quick`
 * (under 2 minutes). Starts its own Redis and memcached on free loopback ports through the test
 * harness, runs each scenario of `scenarios/` in a process of its own with the raw clients and
 * the peer libraries side by side, interleaved, prints one Markdown table per scenario and the
 * issue's targets, and stops the servers. A scenario with `sampling: 'paired'` is sampled as the
 * paired programs are (many short rounds, in random order; see paired-measure.js), and its ratios
 * are medians of per-round ratios. A scenario with `forks: N` is measured in N processes, one
 * after another, and their rounds are pooled (lib/forks.js; one process with --quick).
 *
 * Options: --quick, --only=<id>[,<id>...] (scenario ids, or parts of them), --dist (measure the
 * compiled dist/ instead of lib/), --out=<file> (also write the report there), --list,
 * --baseline=<git-ref> (also measure that commit's lib/, e.g. --baseline=f1b351d or HEAD~3),
 * --one-process (every scenario in the runner's process instead of one process each; see
 * lib/isolated-scenario.js).
 *
 * With --baseline, the ref's lib/ is extracted (`git archive`) into a temporary folder that is
 * removed at exit, loaded through its three public entry points like the current lib/, and every
 * scenario's default easy-cache contender is followed by the same configuration built from it
 * (role 'baseline': the targets still judge the current library only). Each table gains a line
 * `easy-cache / baseline <sha>: <ratio>`, and the report ends with all those ratios in one table,
 * so that a refactor can be shown to keep every figure within noise in one run.
 */
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadEasyCache, loadRootClients, loadServerHarness, useDist } from './lib/load-library.js';
import { PLANS, median, measureInterleaved, timeOperations } from './lib/measure.js';
import { describePlan, measurePaired, scenarioPairedPlan } from './lib/paired-measure.js';
import { rowRatio } from './lib/paired-stats.js';
import { startCountingProxy } from './lib/counting-proxy.js';
import { difference, memcachedCommandCounts, redisCommandCounts } from './lib/server-stats.js';
import { baselineRatioLines, baselineSummary, formatNumber, formatTime, markdownTable } from './lib/report.js';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { evaluateTargets } from './lib/targets.js';
import { runProgram } from './lib/run-program.js';
import { childScenario, measureInChild, rowsOut } from './lib/isolated-scenario.js';
import { poolForks } from './lib/forks.js';

/** Scenario files, in the order they run and print. */
const SCENARIOS = [
  'memory-hit',
  'memory-stale-hit',
  'memory-miss',
  'memory-hit-otel',
  'memory-miss-otel',
  'redis-hit-sequential',
  'redis-hit-in-flight',
  'redis-stale-hit',
  'redis-miss-sequential',
  'redis-miss-in-flight',
  'redis-miss-lock',
  'redis-miss-tags-1',
  'redis-hit-tags-1',
  'redis-hit-tags-1-in-flight',
  'redis-hit-tags-3',
  'near-hit-tags-3',
  'near-coherence',
  'near-footprint',
  'near-race',
  'near-race-processes',
  'memcached-hit-sequential',
  'memcached-hit-in-flight',
  'memcached-miss-lock',
  'tag-invalidation',
  'redis-outage-breaker',
  'key-template-1',
  'key-template-8',
  'key-automatic',
  'memory-footprint',
];

/** Operations run through the counting proxy per contender (a multiple of 64). */
const COUNTED_OPERATIONS = 512;

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const plan = quick ? PLANS.quick : PLANS.full;
/** `--one-process`: every scenario in the runner's own process (no forks), as before round 9. */
const oneProcess = argv.includes('--one-process');
const onlyArg = argv.find((arg) => arg.startsWith('--only='));
const outArg = argv.find((arg) => arg.startsWith('--out='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',').filter(Boolean) : undefined;
const output = [];

/** Prints a line and keeps it for `--out`. */
function say(text = '') {
  console.log(text);
  output.push(text);
}

function serverVersion(command, args, pattern) {
  try {
    return pattern.exec(execFileSync(command, args, { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

async function main() {
  const child = childScenario(argv);
  const selected = child !== undefined ? SCENARIOS.filter((id) => id === child) : SCENARIOS.filter((id) => !only || only.some((part) => id.includes(part)));
  if (argv.includes('--list')) {
    for (const id of SCENARIOS) console.log(id);
    return;
  }
  if (selected.length === 0) throw new Error(`${child !== undefined ? `--scenario=${child}` : '--only'} matched no scenario; scenarios are: ${SCENARIOS.join(', ')}`);
  // Before any server starts: a bad ref fails at once.
  const ref = baselineRef(argv);
  const baselineLib = ref === undefined ? undefined : loadBaseline(ref, { dist: useDist() });
  const scenarios = [];
  for (const id of selected) scenarios.push((await import(`./scenarios/${id}.js`)).default);
  if (child !== undefined) {
    const results = await measureScenarios(scenarios, baselineLib);
    writeFileSync(rowsOut(argv), JSON.stringify(results.get(child)));
    return;
  }

  const started = new Date();
  say(`# easy-cache benchmarks${quick ? ' (quick)' : ''}`);
  say();
  say(`- date: ${started.toISOString()}`);
  say(`- command: \`npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}\``);
  say(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${process.platform}`);
  say(`- Redis ${serverVersion('redis-server', ['--version'], /v=(\S+)/)}, memcached ${serverVersion('memcached', ['-V'], /memcached (\S+)/)} (one worker thread, \`-t 1\`), loopback`);
  say(`- easy-cache from ${useDist() ? 'dist/ (compiled)' : 'lib/ (ts-node, transpile only)'}`);
  if (baselineLib) say(`- baseline: easy-cache @ ${baselineLib.label} (\`${ref}\` = ${baselineLib.sha}, "${baselineLib.subject}"), its ${useDist() ? 'dist/ compiled' : 'lib/ through ts-node'} alike`);
  say(`- sampling: warm-up ${plan.warmupMs} ms, then ${plan.samples} samples of ~${plan.sampleMs} ms per contender, interleaved; median`);
  say(`- ${oneProcess ? 'every scenario in this one process (`--one-process`)' : 'each scenario in a process of its own, with its own servers; its contenders side by side in it'}`);
  say();

  let results;
  if (oneProcess) {
    results = await measureScenarios(scenarios, baselineLib, printScenario);
  } else {
    results = new Map();
    for (const scenario of scenarios) {
      const rows = poolForks(Array.from({ length: forksOf(scenario) }, () => measureInChild(scenario.id, argv)));
      results.set(scenario.id, rows);
      printScenario(scenario, rows);
    }
  }

  if (baselineLib) {
    say(`## easy-cache against the baseline ${baselineLib.label}`);
    say();
    say(baselineSummary(scenarios, results, baselineLib));
    say();
  }
  say('## Targets of issue 5');
  say();
  say(markdownTable(['target', 'measured', 'met'], evaluateTargets(results)));
  say();
  say(`Total time: ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.`);
  if (outArg) writeFileSync(outArg.slice('--out='.length), output.join('\n') + '\n');
}

/**
 * Starts the servers `scenarios` need, measures each scenario in this process (handing its rows
 * to `onRows` as they come), stops the servers; resolves to the rows by scenario id.
 */
async function measureScenarios(scenarios, baselineLib, onRows = () => undefined) {
  const harness = loadServerHarness();
  const servers = [];
  const stopAll = () => harness.killServersSync(servers);
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  process.once('exit', stopAll);
  const needs = new Set(scenarios.map((scenario) => scenario.backend));
  const redis = needs.has('redis') ? await harness.startRedis() : undefined;
  if (redis) servers.push(redis);
  // One worker thread: memcached hands each connection to one of its threads in turn, and on a
  // 2-CPU machine the thread a connection lands on moved one client's get by up to 20 % against
  // another's (measured with identical raw clients). With one thread, every contender's
  // connection is served alike, so the ratios compare the libraries and not their luck.
  const memcached = needs.has('memcached') ? await harness.startMemcached(['-t', '1']) : undefined;
  if (memcached) servers.push(memcached);

  const env = {
    lib: loadEasyCache(),
    clients: loadRootClients(),
    redisPort: redis?.port,
    memcachedPort: memcached?.port,
    dist: useDist(),
    footprintRuns: quick ? 1 : 3,
    ...(baselineLib ? { baselineLib } : {}),
  };
  const results = new Map();
  for (const scenario of scenarios) {
    const rows = scenario.custom ? await scenario.measure(env) : await runScenario(scenario, env, plan);
    results.set(scenario.id, rows);
    onRows(scenario, rows);
  }
  await Promise.all(servers.map((server) => harness.stopServer(server)));
  servers.length = 0;
  return results;
}

let block = 0;

/**
 * `env` with a key prefix and a first id of its own, so that no two sets of contenders (two
 * scenarios, or the timing and counting passes of one) ever read each other's entries.
 */
function freshEnv(env, overrides = {}) {
  block += 1;
  return { ...env, ...overrides, prefix: `b${block}:`, idBase: block * 10_000_000 };
}

/** Prepares, times and counts every contender of `scenario`; resolves to its rows. */
async function runScenario(scenario, env, plan) {
  const contenders = await scenario.contenders(freshEnv(env));
  const rows = new Map(contenders.map((contender) => [contender, { label: contender.label, role: contender.role, twinOf: contender.twinOf, na: contender.na, isOneGet: contender.isOneGet, state: contender.state, config: contender.config }]));
  const live = [];
  for (const contender of contenders) {
    if (contender.na) continue;
    try {
      await contender.prepare?.();
      await contender.run(0);
      live.push(contender);
    } catch (error) {
      rows.get(contender).error = error.message;
    }
  }
  const callsBefore = new Map(live.map((contender) => [contender, contender.loader?.calls ?? 0]));
  try {
    if (scenario.sampling === 'paired') {
      const samples = await measurePaired(live, scenarioPairedPlan(quick, scenario));
      for (const [contender, perRound] of samples) Object.assign(rows.get(contender), { nsPerOp: median(perRound), pairedSamples: perRound });
    } else {
      const timed = await measureInterleaved(live, plan, scenario.inFlight);
      for (const [contender, { nsPerOp }] of timed) rows.get(contender).nsPerOp = nsPerOp;
    }
  } catch (error) {
    for (const contender of live) rows.get(contender).error ??= `timing failed: ${error.message}`;
  }
  for (const contender of live) {
    const row = rows.get(contender);
    const ran = (contender.loader?.calls ?? 0) - callsBefore.get(contender);
    if (contender.loader) row.functionRuns = ran;
    if (scenario.expectHits && ran > 0) row.note = `function ran ${ran} times during the hits`;
    if (contender.stale) row.note = `${contender.stale} invalidations were not followed by a recomputation`;
  }
  await Promise.all(contenders.map((contender) => contender.close?.().catch(() => undefined)));
  if (scenario.backend === 'redis' || scenario.backend === 'memcached') await countCommands(scenario, env, rows);
  return [...rows.values()];
}

/**
 * The counting pass: a second set of the scenario's contenders talks to the server through a
 * counting proxy; commands per operation come from the server's own statistics, round trips per
 * operation from the writes the proxy saw.
 */
async function countCommands(scenario, env, rows) {
  const port = scenario.backend === 'redis' ? env.redisPort : env.memcachedPort;
  const readCounts = scenario.backend === 'redis' ? () => redisCommandCounts(port) : () => memcachedCommandCounts(port);
  const proxy = await startCountingProxy(port);
  const countingEnv = freshEnv(env, { redisPort: proxy.port, memcachedPort: proxy.port });
  const contenders = await scenario.contenders(countingEnv);
  const byLabel = new Map([...rows.values()].map((row) => [row.label, row]));
  for (const contender of contenders) {
    const row = byLabel.get(contender.label);
    if (contender.na || !row || row.error) continue;
    try {
      await contender.prepare?.();
      // Warm: connections open, handshakes done, before the window opens.
      await timeOperations(contender, 64, scenario.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = await readCounts();
      proxy.reset();
      await timeOperations(contender, COUNTED_OPERATIONS, scenario.inFlight);
      const writes = proxy.writes();
      const { delta, total } = difference(before, await readCounts());
      row.commandsPerOp = total / COUNTED_OPERATIONS;
      row.commandMix = Object.entries(delta)
        .map(([name, count]) => `${name.toUpperCase()} ${formatNumber(count / COUNTED_OPERATIONS)}`)
        .join(', ');
      row.roundTripsPerOp = writes / COUNTED_OPERATIONS;
    } catch (error) {
      row.note = [row.note, `counting failed: ${error.message}`].filter(Boolean).join('; ');
    }
  }
  await Promise.all(contenders.map((contender) => contender.close?.().catch(() => undefined)));
  await proxy.close();
}

/** How many processes measure `scenario` (its `forks`, see lib/forks.js): one with `--quick` or `--one-process`. */
function forksOf(scenario) {
  return quick || oneProcess ? 1 : (scenario.forks ?? 1);
}

/** Prints the table of one scenario. */
function printScenario(scenario, rows) {
  say(`## ${scenario.title}`);
  say();
  say(scenario.measures);
  say();
  if (scenario.sampling === 'paired') {
    const forks = forksOf(scenario) > 1 ? ` in each of ${forksOf(scenario)} processes, pooled (see lib/forks.js)` : '';
    say(`Sampled paired: ${describePlan(scenarioPairedPlan(quick, scenario))}${forks}; × columns are medians of per-round ratios, time/op the median per round.`);
    say();
  }
  if (scenario.custom && scenario.table) {
    say(markdownTable(...scenario.table(rows)));
    say();
    return;
  }
  if (scenario.custom) {
    const limit = rows.find((row) => row.role === 'limit');
    say(
      markdownTable(
        ['contender', 'bytes per entry', '× Map', 'note'],
        rows.map((row) =>
          row.error
            ? [row.label, 'error', '', row.error]
            : [row.label, formatNumber(row.bytesPerEntry), limit?.bytesPerEntry ? (row.bytesPerEntry / limit.bytesPerEntry).toFixed(2) + '×' : '', row.note ?? ''],
        ),
      ),
    );
    say();
    printBaselineRatios(rows, 'bytesPerEntry');
    return;
  }
  const limit = rows.find((row) => row.role === 'limit');
  const reference = rows.find((row) => row.isOneGet);
  const counted = scenario.backend === 'redis' || scenario.backend === 'memcached';
  const header = ['contender', 'time/op', 'ops/s', '× limit'];
  if (reference) header.push(`× ${scenario.reference}`);
  if (counted) header.push('commands/op', 'round trips/op', 'commands');
  header.push('note');
  const table = rows.map((row) => {
    if (row.na) return [row.label, 'n/a', '', '', ...(reference ? [''] : []), ...(counted ? ['', '', ''] : []), row.na];
    if (row.error || row.nsPerOp === undefined) return [row.label, 'error', '', '', ...(reference ? [''] : []), ...(counted ? ['', '', ''] : []), row.error ?? 'not timed'];
    const cells = [row.label, formatTime(row.nsPerOp), formatNumber(1e9 / row.nsPerOp), limit ? ratioCell(row, limit) : ''];
    if (reference) cells.push(ratioCell(row, reference));
    if (counted) cells.push(row.commandsPerOp === undefined ? '?' : formatNumber(row.commandsPerOp), row.roundTripsPerOp === undefined ? '?' : formatNumber(row.roundTripsPerOp), row.commandMix ?? '');
    cells.push(row.note ?? '');
    return cells;
  });
  say(markdownTable(header, table));
  say();
  if (scenario.summary) {
    for (const line of scenario.summary(rows)) say(line);
    say();
  }
  printBaselineRatios(rows, 'nsPerOp');
}

/** `row` over `limit` as a table cell (`1.04×`): paired for a scenario sampled paired. */
function ratioCell(row, limit) {
  const r = rowRatio(row, limit);
  return r === undefined ? '' : r.toFixed(2) + '×';
}

/** Under a table: `easy-cache / baseline <sha>: <ratio>` for each baseline twin in it. */
function printBaselineRatios(rows, metric) {
  const lines = baselineRatioLines(rows, metric);
  if (lines.length === 0) return;
  for (const line of lines) say(line);
  say();
}

runProgram(main);
