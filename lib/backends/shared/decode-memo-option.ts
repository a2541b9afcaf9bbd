/**
 * The `decodeMemo` option of the remote backends: validated once by their constructors into the
 * settings of the backend's `DecodeMemo`.
 */
import type { DecodeMemoSettings } from './decode-memo';
import { isFalseOrSettings, settingsOver, type SettingChecks } from './settings-option';

/**
 * The `decodeMemo` option as a user writes it: `false` for none, or the bounds to change.
 * @example new RedisCache(redis, { decodeMemo: { maxEntries: 10_000, maxChars: 8_000_000 } })
 */
export type DecodeMemoOption =
  | {
      /**
       * Keys whose last text (and its decoded copy) are kept (an integer, 1 or more).
       * @default 1000
       */
      readonly maxEntries?: number;
      /**
       * Characters of kept text, all keys together (an integer, 16 or more); a text longer than a
       * sixteenth of it is decoded every time. The decoded copies take a few times as many bytes.
       * @default 1000000
       */
      readonly maxChars?: number;
    }
  | false;

/** The memo a remote backend has when its options do not say otherwise. */
export const DEFAULT_DECODE_MEMO: DecodeMemoSettings = Object.freeze({
  /** @default 1000 */
  maxEntries: 1000,
  /** @default 1000000 */
  maxChars: 1_000_000,
});

/** What the option allows, for the `option "decodeMemo" must be …` message. */
export const DECODE_MEMO_ALLOWED = 'false or { maxEntries?: an integer >= 1, maxChars?: an integer >= 16 }';

const CHECKS: SettingChecks = {
  maxEntries: (maxEntries) => Number.isSafeInteger(maxEntries) && (maxEntries as number) >= 1,
  maxChars: (maxChars) => Number.isSafeInteger(maxChars) && (maxChars as number) >= 16,
};

/** Whether `value` is a valid `decodeMemo` option (unknown keys, as typos, are not). */
export function isDecodeMemoOption(value: unknown): value is DecodeMemoOption {
  return isFalseOrSettings(value, CHECKS);
}

/** The settings of a validated `decodeMemo` option: `false`, or the given bounds over the defaults. */
export function resolveDecodeMemo(option: DecodeMemoOption | undefined): DecodeMemoSettings | false {
  return settingsOver(option, DEFAULT_DECODE_MEMO);
}
