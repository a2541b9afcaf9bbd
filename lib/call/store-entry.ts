/**
 * The write at the end of a flight: the value wrapped as an entry with its tag versions and times,
 * stored unless its lifetime or an invalidation says not to. A backend that `writesAtOnce` (in
 * process, untraced) is written without a Promise; any other through the session's `attempt`.
 */
import { clockOf, type BackendTimeout } from '../backends/backend';
import { DO_NOT_STORE } from '../compile/timeout-plan';
import { CacheConfigError, CacheKeyError, EasyCacheError } from '../errors';
import { writesAtOnce } from '../guard/guard';
import { emitEvent, isObserved } from '../observe/events';
import { makeEntry, STALE_ALREADY, type TagVersions } from '../tags/entry';
import { extendTags, isHardTagKey, withTagsAfter } from '../tags/tag-protocol';
import type { Call } from './call';
import { inUserTerms, reportLostPrototype } from './value-shape';
import { setUnlessTooLarge, slowLargeWrite, writeUnlessTooLarge } from './value-size';

/** What the write needs of its flight: whether an invalidation landed while the value was computed. */
interface Fences {
  /** A hard invalidation: the value must not be stored. */
  readonly fenced: boolean;
  /** A soft invalidation of the key: the value is stored as stale. */
  readonly expired: boolean;
}

/**
 * Stores `value` for the call's key with the tag versions read `before` the function ran (plus
 * those of tags known only from the value). `undefined` when it is done already, synchronously: on
 * the memory miss path the write costs no async frame.
 */
export function storeValue(call: Call, flight: Fences, value: unknown, before: TagVersions | undefined): Promise<void> | undefined {
  if (call.plan.tags?.after === undefined) return writeEntry(call, flight, value, before);
  return tagsAfter(call, value, before).then((versions) => (versions === null ? undefined : writeEntry(call, flight, value, versions)));
}

/** Writes the entry, with the versions of its tags and its times, unless its lifetime or an invalidation says not to. */
function writeEntry(call: Call, flight: Fences, value: unknown, versions: TagVersions | undefined): Promise<void> | undefined {
  const { plan, key, backend } = call;
  const clock = clockOf(backend);
  let lifetime: ReturnType<typeof plan.lifetime>;
  try {
    lifetime = plan.lifetime(call, value, clock);
  } catch (error) {
    // The caller gets its value either way; a throwing timeout or jitter function only means "not stored".
    call.reportProblem(asCacheError(error, plan.label, 'the timeout or jitter function failed'), 'timeout', key);
    return undefined;
  }
  if (lifetime === DO_NOT_STORE) return undefined;
  if (lifetime instanceof CacheConfigError) {
    call.reportProblem(lifetime, 'timeout', key);
    return undefined;
  }
  // Checked last, right before the write: an invalidation that landed while we computed wins.
  if (flight.fenced || call.down) return undefined;
  let { times } = lifetime;
  if (flight.expired) {
    // Expired while computing: stored as stale (a fallback), never as fresh; without grace, not at all.
    if (times?.g === undefined) return undefined;
    times = { f: STALE_ALREADY, g: times.g };
  }
  const entry = makeEntry(value, versions, times, plan.version);
  const { timeout } = lifetime;
  reportLostPrototype(call, value);
  // Tagged entries extend their tags with the write: that stays one asynchronous step.
  if (versions === undefined && writesAtOnce(backend)) {
    if (call.attemptSync('set', key, () => setUnlessTooLarge(call, backend, entry, timeout), false, (error) => explainWrite(error, call, value))) reportSet(call, undefined);
    return undefined;
  }
  return writeLater(call, value, entry, timeout, versions);
}

/** The write through the session's bounded `attempt`; its tags are made to outlive it, sent with it (one round trip). */
async function writeLater(call: Call, value: unknown, entry: unknown, timeout: BackendTimeout, versions: TagVersions | undefined): Promise<void> {
  const { key, backend } = call;
  const explain = (error: unknown) => explainWrite(error, call, value);
  const written = call.attempt<void | typeof NOT_WRITTEN>('set', key, () => writeUnlessTooLarge(call, backend.set(key, entry, timeout), NOT_WRITTEN), NOT_WRITTEN, explain);
  const stored = (versions ? (await Promise.all([written, extendTags(call, versions, timeout)]))[0] : await written) !== NOT_WRITTEN;
  if (stored) reportSet(call, versions);
}

/** What a failed write resolves to (a successful one resolves to `undefined`). */
const NOT_WRITTEN = Symbol('not written');

/** A failed write in the caller's words: a function inside the value, or a large value that got no answer in time. */
function explainWrite(error: unknown, call: Call, value: unknown): unknown {
  return slowLargeWrite(inUserTerms(error, call, value), call, value);
}

function reportSet(call: Call, versions: TagVersions | undefined): void {
  const { onEvent, label } = call.plan.settings;
  if (isObserved(onEvent)) emitEvent({ type: 'set', function: label, key: call.key, tags: versions ? Object.keys(versions).filter(isHardTagKey) : [] }, onEvent);
}

/** The versions to store: those read before, plus those of tags first known from the value; `null` when they cannot be had. */
async function tagsAfter(call: Call, value: unknown, before: TagVersions | undefined): Promise<TagVersions | undefined | null> {
  const after = call.plan.tags?.after;
  if (!after) return before;
  let tags: string[];
  try {
    tags = after(call, value);
  } catch (error) {
    call.reportProblem(asCacheError(error, call.plan.label, 'the tags function failed after the call'), 'tags', call.key);
    return null;
  }
  return withTagsAfter(call, tags, before);
}

function asCacheError(error: unknown, label: string, what: string): EasyCacheError {
  if (error instanceof EasyCacheError) return error;
  return new CacheKeyError(`${label}: ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
