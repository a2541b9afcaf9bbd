import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { CacheConfigError } from '../index';

/** Options of `instrumentEasyCache`. */
export interface InstrumentEasyCacheOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.getTracerProvider()` of `@opentelemetry/api`)
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()`)
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Whether spans carry the call's key (`easy_cache.key`). Keys often hold user ids or emails,
   * and every key is a distinct value: off unless you ask. Metrics never carry keys.
   * @default false
   */
  readonly includeKeys?: boolean;
  /**
   * Whether hits get spans too. A hit costs microseconds and happens most of the time: by
   * default only misses, stale returns and errors get spans; hits are always counted in metrics.
   * @default false
   */
  readonly hits?: boolean;
}

/** The options, checked, with their defaults. */
export interface ResolvedInstrumentation {
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly includeKeys: boolean;
  readonly hits: boolean;
}

const API = 'instrumentEasyCache()';
const KNOWN = ['tracerProvider', 'meterProvider', 'includeKeys', 'hits'];

/** Checks the options; throws `CacheConfigError` naming the option that is wrong. */
export function resolveInstrumentation(options: unknown): ResolvedInstrumentation {
  if (options === undefined) return { tracerProvider: undefined, meterProvider: undefined, includeKeys: false, hits: false };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheConfigError(`${API}: the options must be an object; received ${describe(options)}`, { received: options });
  }
  const given = options as Record<string, unknown>;
  const unknown = Object.keys(given).find((name) => !KNOWN.includes(name));
  if (unknown !== undefined) {
    throw new CacheConfigError(`${API}: "${unknown}" is not an option; known options are ${KNOWN.join(', ')}`, { option: unknown, received: given[unknown] });
  }
  return {
    tracerProvider: provider(given, 'tracerProvider', 'getTracer') as TracerProvider | undefined,
    meterProvider: provider(given, 'meterProvider', 'getMeter') as MeterProvider | undefined,
    includeKeys: flag(given, 'includeKeys'),
    hits: flag(given, 'hits'),
  };
}

function provider(given: Record<string, unknown>, option: string, method: string): unknown {
  const value = given[option];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)[method] !== 'function') {
    throw new CacheConfigError(`${API}: option "${option}" must be an OpenTelemetry ${option === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (an object with ${method}()); received ${describe(value)}`, {
      option,
      received: value,
    });
  }
  return value;
}

function flag(given: Record<string, unknown>, option: string): boolean {
  const value = given[option];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new CacheConfigError(`${API}: option "${option}" must be a boolean; received ${describe(value)}`, { option, received: value });
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
