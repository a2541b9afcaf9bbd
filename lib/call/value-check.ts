/**
 * SPEC 11.8: a function's `schema` checks every value it would return, cached or fresh. A value
 * that fails is refused (a cached one is a miss, a fresh one is not stored) and reported at most
 * once a second per function, so a deploy that changes a shape does not flood the log.
 */
import type { CallPlan } from '../compile/compile-plan';
import { SchemaError } from '../errors';
import { reportError } from '../observe/report';
import type { StandardResult, StandardSchema } from '../types';
import type { Call } from './call';

/** What `checkValue` returns for a value the schema refuses. */
export const REFUSED: unique symbol = Symbol('easy-cache.refused');

type Checked = unknown;
type SchemaProps = StandardSchema['~standard'];

/**
 * The schema's output for `value`, or `REFUSED` (reported): synchronously when the schema
 * validates synchronously (zod without async refinements), else a Promise.
 */
export function checkValue(call: Call, schema: SchemaProps, value: unknown, which: 'cached' | 'fresh'): Checked | Promise<Checked> {
  let result: ReturnType<SchemaProps['validate']>;
  try {
    result = schema.validate(value);
  } catch (error) {
    return refuse(call, which, [{ message: error instanceof Error ? error.message : String(error) }], error);
  }
  if (result instanceof Promise) {
    return result.then(
      (settled) => outcome(call, settled, which),
      (error: unknown) => refuse(call, which, [{ message: error instanceof Error ? error.message : String(error) }], error),
    );
  }
  return outcome(call, result, which);
}

function outcome(call: Call, result: StandardResult<unknown>, which: 'cached' | 'fresh'): Checked {
  return result.issues === undefined ? result.value : refuse(call, which, result.issues, undefined);
}

const lastReportAt = new WeakMap<CallPlan, number>();
const QUIET_MS = 1000;

function refuse(call: Call, which: 'cached' | 'fresh', issues: ReadonlyArray<{ readonly message: string; readonly path?: unknown }>, cause: unknown): typeof REFUSED {
  const { plan, key } = call;
  const now = Date.now();
  const last = lastReportAt.get(plan);
  if (last === undefined || now - last >= QUIET_MS) {
    lastReportAt.set(plan, now);
    const what = which === 'cached' ? `the cached value under key ${key} fails the schema (a miss, recomputed and overwritten)` : `the value the function returned for key ${key} fails the schema (returned as it is, not stored)`;
    const error = new SchemaError(`${plan.label}: ${what}: ${describeIssues(issues)}`, { key, issues, cause });
    reportError(error, { operation: 'schema', key, function: plan.label }, plan.settings.onError, plan);
  }
  return REFUSED;
}

function describeIssues(issues: ReadonlyArray<{ readonly message: string; readonly path?: unknown }>): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = Array.isArray(issue.path) ? issue.path.map((part: unknown) => (typeof part === 'object' && part !== null && 'key' in part ? String((part as { key: unknown }).key) : String(part))).join('.') : '';
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return shown.join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '');
}
