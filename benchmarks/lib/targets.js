/**
 * The targets of issue 5, checked against one run's results: each row says the target, what was
 * measured, and whether it is met ("yes", "no", or "?" when a figure is missing).
 */
// Paired where the scenario was sampled paired (the median of per-round ratios), else of medians.
import { rowRatio as ratio } from './paired-stats.js';

function verdict(ok) {
  return ok === undefined ? '?' : ok ? 'yes' : 'no';
}

const x = (value) => (value === undefined ? '?' : value.toFixed(2) + '×');

/** The rows of the targets table from `results` (scenario id → rows). */
export function evaluateTargets(results) {
  const out = [];
  const rowsOf = (id) => results.get(id) ?? [];
  const limitOf = (id) => rowsOf(id).find((row) => row.role === 'limit');
  const easyOf = (id) => rowsOf(id).filter((row) => row.role === 'easy-cache' && !row.na && !row.error);
  const fastestPeer = (id) =>
    rowsOf(id)
      .filter((row) => row.role === 'peer' && row.nsPerOp)
      .sort((a, b) => a.nsPerOp - b.nsPerOp)[0];

  if (results.has('memory-hit')) {
    const peer = fastestPeer('memory-hit');
    for (const easy of easyOf('memory-hit')) {
      const r = ratio(easy, limitOf('memory-hit'));
      out.push([`memory hit ≤ 3× Map (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= 3)]);
      const lead = peer?.nsPerOp && easy.nsPerOp ? peer.nsPerOp / easy.nsPerOp : undefined;
      out.push([`memory hit ≥ 2× faster than the fastest peer (${peer?.label ?? '?'}) (${easy.label})`, lead === undefined ? '?' : `${lead.toFixed(2)}× faster`, verdict(lead === undefined ? undefined : lead >= 2)]);
    }
  }
  const bound = (id, text, limit, pick = () => true) => {
    if (!results.has(id)) return;
    for (const easy of easyOf(id).filter(pick)) {
      const r = ratio(easy, limitOf(id));
      out.push([`${text} ≤ ${limit}× (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= limit)]);
    }
  };
  bound('redis-hit-sequential', 'Redis hit, sequential', 1.05);
  bound('redis-hit-in-flight', 'Redis hit, 64 in flight', 1.15);
  bound('redis-hit-tags-1-in-flight', 'Redis hit with 1 tag, 64 in flight', 1.15);
  if (results.has('redis-hit-tags-1-in-flight')) {
    const peer = fastestPeer('redis-hit-tags-1-in-flight');
    for (const easy of easyOf('redis-hit-tags-1-in-flight')) {
      const lead = peer?.nsPerOp && easy.nsPerOp ? peer.nsPerOp / easy.nsPerOp : undefined;
      out.push([`redis-hit-tags-1-in-flight: ahead of every peer (fastest: ${peer?.label ?? '?'}) (${easy.label})`, lead === undefined ? '?' : `${lead.toFixed(2)}× faster`, verdict(lead === undefined ? undefined : lead > 1)]);
    }
  }
  for (const id of ['redis-hit-tags-1', 'redis-hit-tags-3']) {
    if (!results.has(id)) continue;
    const oneGet = rowsOf(id).find((row) => row.isOneGet);
    const bento = rowsOf(id).find((row) => row.label === 'bentocache');
    for (const easy of easyOf(id)) {
      const fromArgs = easy.label.includes('from the arguments');
      const limit = fromArgs ? 1.8 : 2.4;
      const r = ratio(easy, oneGet);
      out.push([`${id}: ≤ ${limit}× one raw GET (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= limit)]);
      out.push([`${id}: exactly 2 commands (${easy.label})`, easy.commandsPerOp === undefined ? '?' : formatCount(easy.commandsPerOp), verdict(easy.commandsPerOp === undefined ? undefined : Math.abs(easy.commandsPerOp - 2) < 0.01)]);
      if (fromArgs) out.push([`${id}: one round trip (${easy.label})`, easy.roundTripsPerOp === undefined ? '?' : formatCount(easy.roundTripsPerOp), verdict(easy.roundTripsPerOp === undefined ? undefined : easy.roundTripsPerOp <= 1.01)]);
      const faster = bento?.nsPerOp && easy.nsPerOp ? bento.nsPerOp / easy.nsPerOp : undefined;
      out.push([`${id}: faster than bentocache (${easy.label})`, faster === undefined ? '?' : `${faster.toFixed(2)}× faster`, verdict(faster === undefined ? undefined : faster > 1)]);
    }
  }
  // Stale serving (SPEC 11.1): with softTimeoutMs: 0, a call that finds a stale entry costs a hit,
  // not the function, in the steady state of serving stale (refresh in flight, or backing off).
  for (const [id, limitText, limitBound] of [
    ['memory-stale-hit', 'Map.get', 3],
    ['redis-stale-hit', 'raw GET', 1.05],
  ]) {
    if (!results.has(id)) continue;
    const fresh = rowsOf(id).find((row) => row.state === 'fresh-default');
    const staleRows = easyOf(id).filter((row) => row.state === 'in-flight' || row.state === 'backoff');
    for (const easy of staleRows) {
      const r = ratio(easy, limitOf(id));
      out.push([`${id}: stale hit ≤ ${limitBound}× ${limitText} (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= limitBound)]);
      const f = ratio(easy, fresh);
      out.push([`${id}: stale hit ≤ 1.5× easy-cache's default fresh hit of the same run (${easy.label})`, x(f), verdict(f === undefined ? undefined : f <= 1.5)]);
      const sameOptions = ratio(easy, easyOf(id).find((row) => row.state === 'fresh' && row.config === easy.config));
      out.push([`${id}: stale hit ≤ 1.5× the fresh hit of the same options (${easy.label})`, x(sameOptions), verdict(sameOptions === undefined ? undefined : sameOptions <= 1.5)]);
      const runs = easy.functionRuns;
      out.push([`${id}: the function did not run during the stale hits (${easy.label})`, runs === undefined ? '?' : `${runs} runs`, verdict(runs === undefined ? undefined : runs === 0)]);
      if (id === 'redis-stale-hit') {
        // What the target is made of: the decode every hit that returns an object pays (see benchmarks/README.md).
        const floor = ratio(easy, rowsOf(id).find((row) => row.role === 'decode floor'));
        out.push([`${id}: stale hit ≤ 1.05× a raw GET + JSON.parse of the same bytes (${easy.label})`, x(floor), verdict(floor === undefined ? undefined : floor <= 1.05)]);
        out.push([`${id}: one command per stale hit (${easy.label})`, easy.commandsPerOp === undefined ? '?' : formatCount(easy.commandsPerOp), verdict(easy.commandsPerOp === undefined ? undefined : Math.abs(easy.commandsPerOp - 1) < 0.01)]);
      }
    }
  }
  // Issue 13: a near hit with 3 tags ≤ 3× a Map.get (the Redis hit row of the scenario is not a near hit).
  bound('near-hit-tags-3', 'near-hit-tags-3: near hit with 3 tags, × Map.get', 3, (row) => row.label.includes('nearCache') && row.label.includes('3 tags'));
  // Issue 13: heap per near entry ≤ 1.5× a Map's (of the same keys and values built by the code).
  if (results.has('near-footprint')) {
    const map = limitOf('near-footprint');
    for (const easy of rowsOf('near-footprint').filter((row) => row.role === 'easy-cache' && row.bytesPerEntry)) {
      const r = map?.bytesPerEntry ? easy.bytesPerEntry / map.bytesPerEntry : undefined;
      out.push([`near-footprint: heap per near entry ≤ 1.5× Map (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= 1.5)]);
    }
  }
  bound('memcached-hit-sequential', 'Memcached hit, sequential', 1.1);
  bound('memcached-hit-in-flight', 'Memcached hit, 64 in flight', 1.1);
  if (results.has('memory-footprint')) {
    const rows = rowsOf('memory-footprint');
    const map = rows.find((row) => row.role === 'limit');
    const peers = rows.filter((row) => row.role === 'peer' && row.bytesPerEntry);
    const smallestPeer = peers.sort((a, b) => a.bytesPerEntry - b.bytesPerEntry)[0];
    for (const easy of rows.filter((row) => row.role === 'easy-cache' && row.bytesPerEntry)) {
      const r = map?.bytesPerEntry ? easy.bytesPerEntry / map.bytesPerEntry : undefined;
      out.push([`heap per entry ≤ 1.5× Map (${easy.label})`, x(r), verdict(r === undefined ? undefined : r <= 1.5)]);
      out.push([
        `heap per entry below every peer (smallest: ${smallestPeer?.label ?? '?'}, ${smallestPeer ? Math.round(smallestPeer.bytesPerEntry) : '?'} B) (${easy.label})`,
        `${Math.round(easy.bytesPerEntry)} B`,
        verdict(smallestPeer ? easy.bytesPerEntry < smallestPeer.bytesPerEntry : undefined),
      ]);
    }
  }
  return out;
}

function formatCount(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
