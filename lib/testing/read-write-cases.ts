import { strict as assert } from 'node:assert';
import { NOT_FOUND } from '../backends/backend';
import { assertSame } from './assert-same';
import type { ContractSuite } from './contract-suite';
import { roundTripCases } from './contract-values';

/** Misses, round trips through set/get and setMany/getMany, overwrites and the shape of getMany. */
export function registerReadWriteCases(suite: ContractSuite): void {
  const { runner, key } = suite;

  runner.it('reads a key that was never written as NOT_FOUND', async () => {
    assert.equal(await suite.backend.get(key('never-written')), NOT_FOUND);
  });

  runner.describe('round-trips values through set/get', () => {
    for (const [label, value, expected] of roundTripCases()) {
      runner.it(label, async () => {
        const k = key('rt', label);
        await suite.backend.set(k, value);
        assertSame(await suite.backend.get(k), expected, label);
      });
    }
  });

  runner.it('round-trips every value through setMany/getMany', async () => {
    const cases = roundTripCases();
    const entries = new Map(cases.map(([label, value]) => [key('rtm', label), value]));
    await suite.backend.setMany(entries);
    const found = await suite.backend.getMany([...entries.keys()]);
    assert.equal(found.size, cases.length);
    for (const [label, , expected] of cases) assertSame(found.get(key('rtm', label)), expected, label);
  });

  runner.it('hands out values that do not share state with what is stored', async () => {
    const k = key('isolated');
    await suite.backend.set(k, { list: [1] });
    const first = (await suite.backend.get(k)) as { list: number[] };
    first.list.push(2);
    assert.deepStrictEqual(await suite.backend.get(k), { list: [1] });
  });

  runner.it('overwrites with set', async () => {
    const k = key('overwrite');
    await suite.backend.set(k, 'one');
    await suite.backend.set(k, 'two');
    assert.equal(await suite.backend.get(k), 'two');
  });

  runner.it('resolves getMany([]) to an empty Map', async () => {
    const found = await suite.backend.getMany([]);
    assert.ok(found instanceof Map, 'getMany must resolve to a Map');
    assert.equal(found.size, 0);
  });

  runner.it('resolves setMany with an empty Map', async () => {
    assert.equal(await suite.backend.setMany(new Map()), undefined);
  });

  runner.it('reports only the found keys from getMany, in the order asked, with 50 keys', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => key('many', String(i)));
    const stored = new Map(keys.filter((_, i) => i % 3 === 0).map((k, i) => [k, i % 2 === 0 ? null : { i }]));
    await suite.backend.setMany(stored);
    const found = await suite.backend.getMany([...keys].reverse());
    assert.deepStrictEqual([...found.keys()], [...stored.keys()].reverse());
    for (const [k, v] of stored) assert.deepStrictEqual(found.get(k), v);
    assert.equal(found.has(key('many', '1')), false);
  });

  runner.it('answers getMany with a key asked twice', async () => {
    const k = key('twice');
    await suite.backend.set(k, 7);
    const found = await suite.backend.getMany([k, key('twice-missing'), k]);
    assert.deepStrictEqual([...found.entries()], [[k, 7]]);
  });
}
