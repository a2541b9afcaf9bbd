// The driver's workload: a fixed, seeded sequence of requests, mostly reads with a skew towards
// popular users and books (as real traffic has), and a write every so often. Writes run alone,
// between batches of concurrent reads, so every read has one right answer: the same with the
// cache as without it.
import { SEED_SIZE, SHOPS } from './seed';

/** One HTTP request of the workload. */
export interface WorkloadRequest {
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly path: string;
  readonly body?: Readonly<Record<string, string | number>>;
}

/** Reads sent concurrently, then one write (absent at the end). */
export interface Phase {
  readonly reads: readonly WorkloadRequest[];
  readonly write?: WorkloadRequest;
}

/** The size and shape of a workload. */
export interface WorkloadOptions {
  readonly requests: number;
  /** One request in `writeEvery` is a write. */
  readonly writeEvery: number;
  readonly seed: number;
}

/** The phases of a workload of `options.requests` requests in all. */
export function buildWorkload(options: WorkloadOptions): Phase[] {
  const random = mulberry32(options.seed);
  const pick = skewedPicker(random);
  const phases: Phase[] = [];
  let sent = 0;
  let edit = 0;
  while (sent < options.requests) {
    const reads: WorkloadRequest[] = [];
    while (reads.length < options.writeEvery - 1 && sent < options.requests) {
      reads.push(readRequest(random(), pick));
      sent++;
    }
    if (sent < options.requests) {
      phases.push({ reads, write: writeRequest(random(), pick, ++edit) });
      sent++;
    } else {
      phases.push({ reads });
    }
  }
  return phases;
}

type Pick = (count: number) => number;

function readRequest(roll: number, pick: Pick): WorkloadRequest {
  const user = pick(SEED_SIZE.users);
  const book = pick(SEED_SIZE.books);
  const shop = SHOPS[pick(SHOPS.length) - 1] ?? SHOPS[0];
  if (roll < 0.3) return { method: 'GET', path: `/users/${user}/favourites` };
  if (roll < 0.55) return { method: 'GET', path: `/books/${book}` };
  if (roll < 0.75) return { method: 'GET', path: `/users/${user}` };
  if (roll < 0.9) return { method: 'GET', path: `/shops/${shop}/books/${book}/copies` };
  return { method: 'GET', path: `/shops/${shop}/shelf` };
}

function writeRequest(roll: number, pick: Pick, edit: number): WorkloadRequest {
  const book = pick(SEED_SIZE.books);
  const shop = SHOPS[pick(SHOPS.length) - 1] ?? SHOPS[0];
  if (roll < 0.35) return { method: 'PUT', path: `/books/${book}`, body: { title: `Revised edition ${edit}` } };
  if (roll < 0.6) return { method: 'POST', path: `/users/${pick(SEED_SIZE.users)}/favourites`, body: { bookId: book } };
  if (roll < 0.85) return { method: 'PUT', path: `/shops/${shop}/books/${book}/copies`, body: { copies: edit % 9 } };
  return { method: 'PUT', path: `/users/${pick(SEED_SIZE.users)}`, body: { name: `Renamed ${edit}` } };
}

/** Picks 1..count, the lower numbers far more often (probability about 1/n): a few hot items. */
function skewedPicker(random: () => number): Pick {
  return (count) => Math.min(count, Math.floor(Math.exp(random() * Math.log(count + 1))));
}

/** A small seeded generator, so that both runs send exactly the same requests. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
