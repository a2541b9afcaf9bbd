// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run. SPEC 11.8: with a
// `schema`, a cached function resolves to the schema's output; `version` is a string.
import { z } from 'zod';
import { cached, cachedMethod, cachedProperty, cacheExports, type StandardSchema } from '../../lib';
import { expectType, type Equal } from './type-assert';

type Row = { id: number; name: string; extra: boolean };
async function loadRow(id: number): Promise<Row> {
  return { id, name: 'n', extra: true };
}
const RowSchema = z.object({ id: z.number(), name: z.string() });

const plain = cached(loadRow);
expectType<Equal<ReturnType<typeof plain>, Promise<Row>>>(true);
const checked = cached(loadRow, { schema: RowSchema, version: '2', cacheKey: (id) => `row:${id}` });
expectType<Equal<ReturnType<typeof checked>, Promise<{ id: number; name: string }>>>(true);
expectType<Equal<Awaited<ReturnType<typeof checked.refreshCache>>, { id: number; name: string }>>(true);
// A transforming schema: the output type is what the call resolves to.
const dated = cached(async (id: number) => ({ id, at: '2024-01-01' }), { name: 'dated', schema: z.object({ id: z.number(), at: z.string().transform((at) => new Date(at)) }) });
expectType<Equal<Awaited<ReturnType<typeof dated>>, { id: number; at: Date }>>(true);
// Any Standard Schema fits, not only zod.
const handMade: StandardSchema<unknown, number> = {
  '~standard': { version: 1, vendor: 'hand', validate: (value) => (typeof value === 'number' ? { value } : { issues: [{ message: 'not a number' }] }) },
};
const counted = cached(async (n: number) => n * 2, { name: 'counted', schema: handMade });
expectType<Equal<ReturnType<typeof counted>, Promise<number>>>(true);

// @ts-expect-error a schema must be a Standard Schema
cached(loadRow, { schema: { parse: (v: unknown) => v } });
// @ts-expect-error a version is a string
cached(loadRow, { version: 2 });

class Store {
  async row(id: number): Promise<Row> {
    return loadRow(id);
  }
  get first(): Promise<Row> {
    return loadRow(1);
  }
}
const row = cachedMethod(Store, 'row', { schema: RowSchema });
expectType<Equal<Awaited<ReturnType<typeof row.refreshCache>>, { id: number; name: string }>>(true);
const rowPlain = cachedMethod(Store, 'row');
expectType<Equal<Awaited<ReturnType<typeof rowPlain.refreshCache>>, Row>>(true);
const first = cachedProperty(Store, 'first', { schema: RowSchema });
expectType<Equal<Awaited<ReturnType<typeof first.refreshCache>>, { id: number; name: string }>>(true);
const rows = cacheExports({ loadRow, other: loadRow }, { loadRow: { schema: RowSchema }, other: { version: '1' } });
expectType<Equal<ReturnType<typeof rows.loadRow>, Promise<{ id: number; name: string }>>>(true);
expectType<Equal<ReturnType<typeof rows.other>, Promise<Row>>>(true);
