import { CacheConfigError } from '../../errors';

/**
 * Loads the optional peer dependency `name` (`ioredis`, `memcached`) for the entry point `entry`,
 * when a backend first needs it rather than when the entry is imported, so a service that picks
 * its backend at run time imports every entry without installing every client. A peer that is not
 * installed is a `CacheConfigError` that names the package to install; any other failure while
 * loading it (a broken install, a missing dependency of the peer) is thrown as it is.
 */
export function requirePeer<T>(name: string, entry: string, load: () => unknown): T {
  try {
    return load() as T;
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    throw new CacheConfigError(
      `${entry} needs the package "${name}", an optional peer dependency of easy-cache that is not installed: run \`npm install ${name}\``,
      { cause: error },
    );
  }
}

/** Whether `error` says that `name` itself (not something it requires) cannot be found. */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const firstLine = String(message).split('\n')[0] ?? '';
  return firstLine.includes(`'${name}'`) || firstLine.includes(`"${name}"`);
}
