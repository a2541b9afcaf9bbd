/**
 * Copies of plain data that never changes (what a backend keeps as its own copy), rebuilt by a
 * plan found once per kept object: which members hold objects or arrays. `clonePlainJson` walks
 * every member of every level on every read to find them (a for-in with an own-member test per
 * key); a hit cloning the benchmark's user spent about as long on that walk as on the copy itself.
 */
import { clonePlainJson } from './plain-json-copy';

/**
 * The members of an object or array that hold objects or arrays: each key (or index) followed by
 * the plan of what it holds. Empty: nothing below needs rebuilding (a spread or `slice()` copies it).
 */
export type ClonePlan = ReadonlyArray<string | number | ClonePlan>;

/** A plan with no members: a flat object or an array of primitives. */
const FLAT: ClonePlan = [];
/** What `planFor` gives for data with more nested objects than this: it is walked as before (a plan would be as big as the data). */
const MAX_PLANNED_OBJECTS = 32;
/** `planFor`'s answer for data too large to plan. */
const UNPLANNED = null;

// Plans are kept once per structure (most kept values of an application share a handful), so a
// kept object costs one slot where its holder finds the plan (a store's slot note), not a plan of
// its own.
const sharedPlans = new Map<string, ClonePlan>();
const MAX_SHARED_PLANS = 1024;

/** Where a holder keeps one plan per kept object and finds it with no lookup: a `ClockStore`'s slot notes. */
export interface PlanNotes {
  noteOf(slot: number): unknown;
  setNote(slot: number, note: unknown): void;
}

/**
 * A copy of `value`, kept in `slot` of `notes`, whose only members holding objects are named
 * `member` (see `holdsObjectsOnlyIn`): the top level spread (a spread of its own: under the core
 * it is an entry, a handful of shapes), and `member` cloned by `cloneNoted`. The note must be
 * dropped whenever the slot's value changes.
 */
export function cloneWithMemberNoted(notes: PlanNotes, slot: number, value: object, member: string): object {
  const clone: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const item = clone[member];
  if (typeof item !== 'object' || item === null) return clone;
  clone[member] = cloneNoted(notes, slot, item);
  return clone;
}

/**
 * A deep copy of `value` (equal to `clonePlainJson(value)`), the one object whose plan is noted in
 * `slot` of `notes`: by that plan, made and noted on the first copy. Only for data that
 * `copyPlainJson` returned and that nobody changes afterwards (a plan describes the object as it
 * was when planned); the note must be dropped whenever the slot's object changes.
 */
export function cloneNoted(notes: PlanNotes, slot: number, value: object): object {
  let plan = notes.noteOf(slot) as ClonePlan | null | undefined;
  if (plan === undefined) {
    plan = planFor(value);
    notes.setNote(slot, plan);
  }
  return cloneByPlan(value, plan);
}

/**
 * A deep copy of `value` (equal to `clonePlainJson(value)`) by `plan`, what `planFor(value)`
 * returned; for a holder that keeps the plan itself. The same rules: plain data that nobody
 * changes after it was planned.
 */
export function cloneByPlan(value: object, plan: ClonePlan | null): object {
  return plan === UNPLANNED ? clonePlainJson(value) : clonedByPlan(value, plan);
}

function clonedByPlan(value: object, plan: ClonePlan): object {
  // The same copies as `clonePlainJson`'s: `slice()` and spread, then each planned member rebuilt.
  const clone = (Array.isArray(value) ? value.slice() : { ...value }) as Record<string | number, object>;
  for (let i = 0; i < plan.length; i += 2) {
    const key = plan[i] as string | number;
    const inner = plan[i + 1] as ClonePlan;
    const item = clone[key] as object;
    // A flat member (a list of strings, say) is copied here, without a call of its own.
    clone[key] = inner === FLAT ? (Array.isArray(item) ? item.slice() : { ...item }) : clonedByPlan(item, inner);
  }
  return clone;
}

/** The plan of `value` (checked plain data: no getters, cycles or holes), shared with equal plans; `null` (too large to plan) past `MAX_PLANNED_OBJECTS`. */
export function planFor(value: object): ClonePlan | null {
  const budget = { objects: 0 };
  const plan = planWithin(value, budget);
  if (plan === UNPLANNED || plan === FLAT) return plan;
  const signature = JSON.stringify(plan);
  const shared = sharedPlans.get(signature);
  if (shared !== undefined) return shared;
  if (sharedPlans.size < MAX_SHARED_PLANS) sharedPlans.set(signature, plan);
  return plan;
}

function planWithin(value: object, budget: { objects: number }): ClonePlan | typeof UNPLANNED {
  const plan: Array<string | number | ClonePlan> = [];
  const note = (key: string | number, item: unknown): boolean => {
    if (typeof item !== 'object' || item === null) return true;
    if (++budget.objects > MAX_PLANNED_OBJECTS) return false;
    const inner = planWithin(item, budget);
    if (inner === UNPLANNED) return false;
    plan.push(key, inner);
    return true;
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!note(i, value[i])) return UNPLANNED;
  } else {
    // As `clonePlainJson` walks: own enumerable string keys, in order.
    for (const key in value) if (Object.hasOwn(value, key) && !note(key, (value as Record<string, unknown>)[key])) return UNPLANNED;
  }
  return plan.length === 0 ? FLAT : plan;
}
