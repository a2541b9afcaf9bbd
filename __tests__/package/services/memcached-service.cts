// A CommonJS TypeScript service on Memcached (`require`, as the docs' CommonJS example shows),
// option functions without annotations. Compiled by pack.test.ts with `tsc --strict --module
// nodenext` (a .cts file is CommonJS) against the installed tarball, then run against the test
// suite's Memcached (MEMCACHED_SERVERS). Prints one JSON report and exits on its own.
import easyCache = require('easy-cache');
import memcachedEntry = require('easy-cache/memcached');

const { cached, cachedMethod } = easyCache;
const { MemcachedCache } = memcachedEntry;

interface Order {
  id: string;
  total: number;
}

let queries = 0;

class Orders {
  constructor(readonly shop: string) {}

  async byId(id: string): Promise<Order> {
    queries += 1;
    return { id, total: id.length * 10 };
  }
}

const servers = (process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211').split(',');
const memcached = new MemcachedCache(servers, { prefix: `svc-cjs-${process.pid}` });

async function computeTotal(shop: string, id: string): Promise<number> {
  queries += 1;
  return shop.length + id.length * 10;
}

const orderTotal = cached(computeTotal, {
  cacheKey: (shop, id) => `total:${shop}:${id}`,
  tags: (shop) => [`shop:${shop}`],
  cacheInstance: memcached,
});

const byId = cachedMethod(Orders, 'byId', { cacheKey: 'order:{this.shop}:{id}', cacheInstance: memcached, timeout: 120 });

async function main(): Promise<void> {
  const steps: Array<{ step: string; value: unknown; queries: number }> = [];
  const record = (step: string, value: unknown): void => void steps.push({ step, value, queries });
  try {
    record('miss', await orderTotal('north', 'a1'));
    record('hit', await orderTotal('north', 'a1'));
    const orders = new Orders('north');
    record('method miss', await orders.byId('b22'));
    record('method hit', await orders.byId('b22'));
    await orderTotal.invalidateCacheByTags(undefined, 'north');
    record('after tag invalidation', await orderTotal('north', 'a1'));
    await byId.invalidateCacheByKey(orders, 'b22');
    record('method after key invalidation', await orders.byId('b22'));
  } finally {
    await memcached.close();
  }
  console.log(JSON.stringify({ service: 'cjs-memcached', steps }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
