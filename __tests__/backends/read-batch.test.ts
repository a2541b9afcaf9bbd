/**
 * `ReadBatcher` without a server: which keys each `send` gets, and which reply or error each
 * reader gets back.
 */
import { MAX_BATCH_KEYS, ReadBatcher } from '../../lib/backends/shared/read-batch';

/**
 * A batcher whose sends record the keys they got (a lone read as a list of one) and answer
 * `reply:<key>` for each; `answer` gets the keys and the number of the send (1 for the first).
 */
function recordingBatcher(answer: (keys: readonly string[], call: number) => Promise<readonly string[]> = echo) {
  const sent: string[][] = [];
  const send = (keys: readonly string[]): Promise<readonly string[]> => {
    sent.push([...keys]);
    return answer(keys, sent.length);
  };
  const batcher = new ReadBatcher<string>(
    (key) => send([key]).then((replies) => replies[0] as string),
    send,
  );
  return { batcher, sent };
}

function echo(keys: readonly string[]): Promise<readonly string[]> {
  return Promise.resolve(keys.map((key) => `reply:${key}`));
}

/** Waits for a macrotask turn: the tick's batch has left by then. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatcher', () => {
  it('sends the first read at once, alone, and the reads made before its reply in one call, keys in the order asked', async () => {
    const { batcher, sent } = recordingBatcher();
    const keys = ['c', 'a', 'b', 'z', 'y'];
    const replies = await Promise.all(keys.map((key) => batcher.read(key)));
    expect(sent).toEqual([['c'], ['a', 'b', 'z', 'y']]);
    expect(replies).toEqual(keys.map((key) => `reply:${key}`));
  });

  it('gives each reader the reply at its own index, however the replies differ', async () => {
    const { batcher } = recordingBatcher((keys) => Promise.resolve(keys.map((_, index) => `#${index}`)));
    const replies = await Promise.all(['a', 'b', 'c', 'd'].map((key) => batcher.read(key)));
    expect(replies).toEqual(['#0', '#0', '#1', '#2']);
  });

  it('sends a lone read as a batch of one key', async () => {
    const { batcher, sent } = recordingBatcher();
    await expect(batcher.read('only')).resolves.toBe('reply:only');
    expect(sent).toEqual([['only']]);
  });

  it('sends the lone read before read returns, and the gathered ones at the end of the tick, before any I/O', async () => {
    const { batcher, sent } = recordingBatcher();
    const first = batcher.read('k');
    expect(sent).toEqual([['k']]);
    const second = batcher.read('l');
    const third = batcher.read('m');
    expect(sent).toEqual([['k']]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([['k'], ['l', 'm']]);
    await Promise.all([first, second, third]);
  });

  it('starts over once the lone read is answered: the next read leaves alone again', async () => {
    const { batcher, sent } = recordingBatcher();
    const first = [batcher.read('a'), batcher.read('b'), batcher.read('c')];
    await nextTurn();
    const second = [batcher.read('d'), batcher.read('e')];
    await expect(Promise.all([...first, ...second])).resolves.toEqual(['reply:a', 'reply:b', 'reply:c', 'reply:d', 'reply:e']);
    expect(sent).toEqual([['a'], ['b', 'c'], ['d'], ['e']]);
  });

  it('gathers reads while the read that left alone awaits its reply, in a later tick too, and sends them at the end of that tick', async () => {
    let answerFirst!: () => void;
    const { batcher, sent } = recordingBatcher((keys, call) =>
      call === 1 ? new Promise((resolve) => (answerFirst = () => resolve(keys.map((key) => `reply:${key}`)))) : echo(keys),
    );
    const slow = batcher.read('slow');
    await nextTurn();
    const later = [batcher.read('a'), batcher.read('b')];
    expect(sent).toEqual([['slow']]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(sent).toEqual([['slow'], ['a', 'b']]);
    await expect(Promise.all(later)).resolves.toEqual(['reply:a', 'reply:b']);
    answerFirst();
    await expect(slow).resolves.toBe('reply:slow');
    // Answered: the way is clear, the next read leaves alone at once.
    void batcher.read('next');
    expect(sent).toEqual([['slow'], ['a', 'b'], ['next']]);
  });

  it('clears the way when the read that left alone fails, as when it is answered', async () => {
    const { batcher, sent } = recordingBatcher((keys, call) => (call === 1 ? Promise.reject(new Error('gone')) : echo(keys)));
    await expect(batcher.read('a')).rejects.toThrow('gone');
    await expect(batcher.read('b')).resolves.toBe('reply:b');
    expect(sent).toEqual([['a'], ['b']]);
  });

  it('schedules nothing for a caller awaiting one read at a time', async () => {
    const { batcher, sent } = recordingBatcher();
    const nextTick = jest.spyOn(process, 'nextTick');
    try {
      for (const key of ['a', 'b', 'c']) await batcher.read(key);
      await batcher.readMany(['d', 'e']);
      expect(nextTick).not.toHaveBeenCalled();
    } finally {
      nextTick.mockRestore();
    }
    expect(sent).toEqual([['a'], ['b'], ['c'], ['d', 'e']]);
  });

  it(`sends a batch as soon as it holds ${MAX_BATCH_KEYS} reads`, async () => {
    const { batcher, sent } = recordingBatcher();
    const keys = Array.from({ length: 2 * MAX_BATCH_KEYS + 10 }, (_, i) => `k${i}`);
    const replies = keys.map((key) => batcher.read(key));
    // The first read, then two full batches, have left before the tick ends.
    expect(sent.map((batch) => batch.length)).toEqual([1, MAX_BATCH_KEYS, MAX_BATCH_KEYS]);
    await expect(Promise.all(replies)).resolves.toEqual(keys.map((key) => `reply:${key}`));
    expect(sent.map((batch) => batch.length)).toEqual([1, MAX_BATCH_KEYS, MAX_BATCH_KEYS, 9]);
    expect(sent.flat()).toEqual(keys);
  });

  it('keeps duplicate keys: each reader has a reply slot of its own', async () => {
    const { batcher, sent } = recordingBatcher((keys) => Promise.resolve(keys.map((key, index) => `${key}@${index}`)));
    const replies = await Promise.all(['a', 'b', 'a', 'a'].map((key) => batcher.read(key)));
    expect(sent).toEqual([['a'], ['b', 'a', 'a']]);
    expect(replies).toEqual(['a@0', 'b@0', 'a@1', 'a@2']);
  });

  describe('readMany', () => {
    it('sends the keys of a lone many-key read at once, and gathers later ones with the single reads, each reader getting its own replies in order', async () => {
      const { batcher, sent } = recordingBatcher();
      const replies = await Promise.all([batcher.readMany(['t1', 't2']), batcher.read('e1'), batcher.readMany(['t3']), batcher.read('e2'), batcher.readMany(['t1', 't4'])]);
      expect(sent).toEqual([['t1', 't2'], ['e1', 't3', 'e2', 't1', 't4']]);
      expect(replies).toEqual([['reply:t1', 'reply:t2'], 'reply:e1', ['reply:t3'], 'reply:e2', ['reply:t1', 'reply:t4']]);
    });

    it('leaves alone like a read: a read before its reply is gathered', async () => {
      const { batcher, sent } = recordingBatcher();
      await Promise.all([batcher.readMany(['a']), batcher.read('b'), batcher.read('c')]);
      expect(sent).toEqual([['a'], ['b', 'c']]);
    });

    it(`never lets a batch pass ${MAX_BATCH_KEYS} keys: a read that would overflow it sends the open batch and opens another`, async () => {
      const { batcher, sent } = recordingBatcher();
      const first = batcher.read('first');
      const filler = Array.from({ length: MAX_BATCH_KEYS - 2 }, (_, i) => batcher.read(`f${i}`));
      const many = batcher.readMany(['x', 'y', 'z']);
      const big = batcher.readMany(Array.from({ length: MAX_BATCH_KEYS }, (_, i) => `b${i}`));
      await expect(many).resolves.toEqual(['reply:x', 'reply:y', 'reply:z']);
      await expect(big).resolves.toHaveLength(MAX_BATCH_KEYS);
      await Promise.all([first, ...filler]);
      expect(sent.map((batch) => batch.length)).toEqual([1, MAX_BATCH_KEYS - 2, MAX_BATCH_KEYS, 3]);
      expect(sent.every((batch) => batch.length <= MAX_BATCH_KEYS)).toBe(true);
    });

    it('rejects every reader of a batch that fails, many-key readers included', async () => {
      const boom = new Error('gone');
      const { batcher } = recordingBatcher((keys, call) => (call === 2 ? Promise.reject(boom) : echo(keys)));
      const results = await Promise.allSettled([batcher.read('a'), batcher.readMany(['b', 'c']), batcher.read('d')]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    });
  });

  describe('a send that fails', () => {
    const boom = new Error('the server is gone');

    it.each<[string, (keys: readonly string[], call: number) => Promise<readonly string[]>]>([
      [
        'throws synchronously',
        (keys, call) => {
          if (call === 2) throw boom;
          return echo(keys);
        },
      ],
      ['rejects', (keys, call) => (call === 2 ? Promise.reject(boom) : echo(keys))],
    ])('%s: every reader of that batch rejects, readers of other batches do not', async (_label, answer) => {
      const { batcher, sent } = recordingBatcher(answer);
      // The first read leaves alone, then a full batch (the one that fails), then the rest of the tick.
      const keys = Array.from({ length: 1 + MAX_BATCH_KEYS + 3 }, (_, i) => `k${i}`);
      const sameTick = await Promise.allSettled(keys.map((key) => batcher.read(key)));
      const laterTick = await batcher.read('later');

      expect(sent.map((batch) => batch.length)).toEqual([1, MAX_BATCH_KEYS, 3, 1]);
      const failed = sameTick.slice(1, 1 + MAX_BATCH_KEYS);
      expect(failed.every((r) => r.status === 'rejected' && r.reason === boom)).toBe(true);
      const others = [0, MAX_BATCH_KEYS + 1, MAX_BATCH_KEYS + 2, MAX_BATCH_KEYS + 3];
      expect(others.map((i) => sameTick[i])).toEqual(others.map((i) => ({ status: 'fulfilled', value: `reply:${keys[i]}` })));
      expect(laterTick).toBe('reply:later');
    });

    it('does not stop the batcher: the next tick opens and sends a fresh batch', async () => {
      const { batcher, sent } = recordingBatcher((keys, call) => (call === 1 ? Promise.reject(boom) : echo(keys)));
      await expect(batcher.read('a')).rejects.toBe(boom);
      await expect(batcher.read('a')).resolves.toBe('reply:a');
      expect(sent).toEqual([['a'], ['a']]);
    });
  });

  describe('sendAlone, for a caller that reacts to the reply itself', () => {
    it('sends a read alone at once and returns its reply; reads after it are gathered until aloneAnswered()', async () => {
      const { batcher, sent } = recordingBatcher();
      const alone = batcher.sendAlone('a');
      expect(sent).toEqual([['a']]);
      expect(batcher.sendAlone('b')).toBeUndefined();
      const gathered = [batcher.read('b'), batcher.read('c')];
      await expect(alone).resolves.toBe('reply:a');
      await expect(Promise.all(gathered)).resolves.toEqual(['reply:b', 'reply:c']);
      expect(sent).toEqual([['a'], ['b', 'c']]);
      // The batcher watches no reply of sendAlone's: until the caller says so, reads are still gathered.
      expect(batcher.sendAlone('d')).toBeUndefined();
      batcher.aloneAnswered();
      const next = batcher.sendAlone('d');
      await expect(next).resolves.toBe('reply:d');
      expect(sent).toEqual([['a'], ['b', 'c'], ['d']]);
    });

    it('leaves nothing to send when a read that left alone by read() awaits its reply', async () => {
      const { batcher, sent } = recordingBatcher();
      const lone = batcher.read('a');
      expect(batcher.sendAlone('b')).toBeUndefined();
      await lone;
      expect(sent).toEqual([['a']]);
    });

    it('returns a rejected reply, not a throw, when sending throws', async () => {
      const boom = new Error('send threw (test)');
      const batcher = new ReadBatcher<string>(
        () => {
          throw boom;
        },
        echo,
      );
      const alone = batcher.sendAlone('a');
      await expect(alone).rejects.toBe(boom);
      // Its failure clears the way as its reply would, once the caller says so.
      batcher.aloneAnswered();
      await expect(batcher.sendAlone('b')).rejects.toBe(boom);
    });
  });
});
