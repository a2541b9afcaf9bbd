/** The TypeScript files of lib/, for tests that read the source itself. */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const LIB = path.resolve(__dirname, '../../lib');

/** Every `.ts` file below `dir` (lib/ by default), as a path relative to lib/ with `/` separators. */
export function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(LIB, full).split(path.sep).join('/')] : [];
  });
}
