/** The `lock` option of `cached()` (SPEC 11.4), as users write it. */

/** The `lock` option in full. */
export interface LockOptions {
  /**
   * How long the lock lives, in ms, should its owner never release it (a crashed process): longer
   * than the function takes, or a second process may compute the key too.
   * @default 10000
   */
  readonly ttlMs?: number;
  /**
   * The longest a call waits for another process's value, in ms; then it runs the function itself.
   * @default 5000
   */
  readonly waitMs?: number;
}
