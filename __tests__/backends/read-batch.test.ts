/**
 * `ReadBatcher` without a server: which keys each `send` gets, and which reply or error each
 * reader gets back.
 */
import { MAX_BATCH_KEYS, ReadBatcher, type ReadBatch } from '../../lib/backends/read-batch';

/** A batcher whose `send` records the keys it got and answers `reply:<key>` for each. */
function recordingBatcher(answer: (keys: readonly string[], call: number) => Promise<readonly string[]> = echo) {
  const sent: string[][] = [];
  const batcher = new ReadBatcher<string>((keys) => {
    sent.push([...keys]);
    return answer(keys, sent.length);
  });
  return { batcher, sent };
}

function echo(keys: readonly string[]): Promise<readonly string[]> {
  return Promise.resolve(keys.map((key) => `reply:${key}`));
}

/** What a backend does for one reader: join, remember the index, read the reply there. */
function read(batcher: ReadBatcher<string>, key: string): Promise<string | undefined> {
  const batch: ReadBatch<string> = batcher.join(key);
  const index = batch.keys.length - 1;
  return batch.replies.then((replies) => replies[index]);
}

/** Waits for a macrotask turn: the tick's batch has left by then. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatcher', () => {
  it('sends the reads asked in one synchronous run in one call, keys in the order asked', async () => {
    const { batcher, sent } = recordingBatcher();
    const keys = ['c', 'a', 'b', 'z', 'y'];
    const replies = await Promise.all(keys.map((key) => read(batcher, key)));
    expect(sent).toEqual([keys]);
    expect(replies).toEqual(keys.map((key) => `reply:${key}`));
  });

  it('gives each reader the reply at its own index, however the replies differ', async () => {
    const { batcher } = recordingBatcher((keys) => Promise.resolve(keys.map((_, index) => `#${index}`)));
    const replies = await Promise.all(['a', 'b', 'c'].map((key) => read(batcher, key)));
    expect(replies).toEqual(['#0', '#1', '#2']);
  });

  it('sends a lone read as a batch of one key', async () => {
    const { batcher, sent } = recordingBatcher();
    await expect(read(batcher, 'only')).resolves.toBe('reply:only');
    expect(sent).toEqual([['only']]);
  });

  it('waits for nothing but the end of the tick: the batch leaves before any I/O', async () => {
    const { batcher, sent } = recordingBatcher();
    const reply = read(batcher, 'k');
    expect(sent).toEqual([]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([['k']]);
    await reply;
  });

  it('puts reads of a later tick in a new batch', async () => {
    const { batcher, sent } = recordingBatcher();
    const first = [read(batcher, 'a'), read(batcher, 'b')];
    await nextTurn();
    const second = [read(batcher, 'c')];
    await expect(Promise.all([...first, ...second])).resolves.toEqual(['reply:a', 'reply:b', 'reply:c']);
    expect(sent).toEqual([['a', 'b'], ['c']]);
  });

  it(`splits more than ${MAX_BATCH_KEYS} reads of one tick into batches of at most ${MAX_BATCH_KEYS}`, async () => {
    const { batcher, sent } = recordingBatcher();
    const keys = Array.from({ length: 2 * MAX_BATCH_KEYS + 10 }, (_, i) => `k${i}`);
    const replies = await Promise.all(keys.map((key) => read(batcher, key)));
    expect(sent.map((batch) => batch.length)).toEqual([MAX_BATCH_KEYS, MAX_BATCH_KEYS, 10]);
    expect(sent.flat()).toEqual(keys);
    expect(replies).toEqual(keys.map((key) => `reply:${key}`));
  });

  it('keeps duplicate keys: each reader has a reply slot of its own', async () => {
    const { batcher, sent } = recordingBatcher((keys) => Promise.resolve(keys.map((key, index) => `${key}@${index}`)));
    const replies = await Promise.all(['a', 'b', 'a', 'a'].map((key) => read(batcher, key)));
    expect(sent).toEqual([['a', 'b', 'a', 'a']]);
    expect(replies).toEqual(['a@0', 'b@1', 'a@2', 'a@3']);
  });

  describe('a send that fails', () => {
    const boom = new Error('the server is gone');

    it.each<[string, (keys: readonly string[], call: number) => Promise<readonly string[]>]>([
      [
        'throws synchronously',
        (keys, call) => {
          if (call === 1) throw boom;
          return echo(keys);
        },
      ],
      ['rejects', (keys, call) => (call === 1 ? Promise.reject(boom) : echo(keys))],
    ])('%s: every reader of that batch rejects, readers of other batches do not', async (_label, answer) => {
      const { batcher, sent } = recordingBatcher(answer);
      // One tick past the limit: the first batch fails, the second (same tick) must not.
      const keys = Array.from({ length: MAX_BATCH_KEYS + 3 }, (_, i) => `k${i}`);
      const sameTick = await Promise.allSettled(keys.map((key) => read(batcher, key)));
      const laterTick = await read(batcher, 'later');

      expect(sent.map((batch) => batch.length)).toEqual([MAX_BATCH_KEYS, 3, 1]);
      expect(sameTick.slice(0, MAX_BATCH_KEYS).every((r) => r.status === 'rejected' && r.reason === boom)).toBe(true);
      expect(sameTick.slice(MAX_BATCH_KEYS)).toEqual(
        keys.slice(MAX_BATCH_KEYS).map((key) => ({ status: 'fulfilled', value: `reply:${key}` })),
      );
      expect(laterTick).toBe('reply:later');
    });

    it('does not stop the batcher: the next tick opens and sends a fresh batch', async () => {
      const { batcher, sent } = recordingBatcher((keys, call) => (call === 1 ? Promise.reject(boom) : echo(keys)));
      await expect(read(batcher, 'a')).rejects.toBe(boom);
      await expect(read(batcher, 'a')).resolves.toBe('reply:a');
      expect(sent).toEqual([['a'], ['a']]);
    });
  });
});
