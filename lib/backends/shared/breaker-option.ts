/**
 * The `breaker` option of the remote backends (SPEC 11.5): validated once by their constructors
 * into the `BreakerSettings` the core reads from the backend object.
 */
import type { BreakerSettings } from '../backend';
import { isFalseOrSettings, settingsOver, type SettingChecks } from './settings-option';

/**
 * The `breaker` option as a user writes it: `false` for none, or the settings to change.
 * @example new RedisCache(redis, { breaker: { failures: 5, openMs: 10_000 } })
 */
export type BreakerOption =
  | {
      /**
       * Failed or timed-out calls in a row that open the breaker (an integer, 1 or more).
       * @default 3
       */
      readonly failures?: number;
      /**
       * How long the breaker stays open before one probe call is let through, in milliseconds.
       * @default 2000
       */
      readonly openMs?: number;
    }
  | false;

/** The breaker a remote backend has when its options do not say otherwise. */
export const DEFAULT_BREAKER: BreakerSettings = Object.freeze({
  /** @default 3 */
  failures: 3,
  /** @default 2000 */
  openMs: 2000,
});

/** What the option allows, for the `option "breaker" must be …` message. */
export const BREAKER_ALLOWED = 'false or { failures?: an integer >= 1, openMs?: a positive finite number of milliseconds }';

const CHECKS: SettingChecks = {
  failures: (failures) => Number.isInteger(failures) && (failures as number) >= 1,
  openMs: (openMs) => typeof openMs === 'number' && Number.isFinite(openMs) && openMs > 0,
};

/** Whether `value` is a valid `breaker` option (unknown keys, as typos, are not). */
export function isBreakerOption(value: unknown): value is BreakerOption {
  return isFalseOrSettings(value, CHECKS);
}

/** The settings of a validated `breaker` option: `false`, or the given values over the defaults. */
export function resolveBreaker(option: BreakerOption | undefined): BreakerSettings | false {
  return settingsOver(option, DEFAULT_BREAKER);
}
