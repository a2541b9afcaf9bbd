/**
 * Multi-key commands that work on a stand-alone Redis and on a Redis Cluster alike: on a Cluster
 * the keys are grouped by hash slot (a command across slots fails with CROSSSLOT) and the groups
 * are sent concurrently, so each operation still costs one round trip of waiting. On a Cluster
 * every command goes through `cluster-commands.ts`, which rides out failovers and moving slots.
 */
import type { Redis } from 'ioredis';
import { ClusterCommands, type CommandArgs, type PipelineCommand } from './cluster-commands';
import type { RedisClient } from './redis-client';
import { groupBySlot } from './slot-groups';

/** Where a backend's commands go: a stand-alone client, or the commands of a Cluster. */
export type CommandTarget = Redis | ClusterCommands;

/** Keys asked for per SCAN step of `clear()`, and so the most keys per UNLINK. */
const CLEAR_BATCH = 1000;

/** MGET, split by hash slot on a Cluster; the replies in the order of `keys`. */
export async function mgetBySlot(target: CommandTarget, keys: string[]): Promise<(string | null)[]> {
  if (!(target instanceof ClusterCommands)) return target.mget(keys);
  const groups = groupBySlot(keys);
  if (groups.length === 1) return target.command('mget', keys);
  const texts = new Array<string | null>(keys.length).fill(null);
  const replies = await Promise.all(groups.map((group) => target.command<(string | null)[]>('mget', group.keys)));
  replies.forEach((reply, groupIndex) => {
    const indexes = groups[groupIndex]?.indexes ?? [];
    reply.forEach((text, i) => {
      texts[indexes[i] ?? 0] = text;
    });
  });
  return texts;
}

/** SET (with PX unless `expiry` is null) of every key, one pipeline per hash slot on a Cluster. */
export async function setAllBySlot(target: CommandTarget, keys: string[], texts: string[], expiry: number | null): Promise<void> {
  const set = (key: string, i: number): PipelineCommand => {
    const text = texts[i] ?? '';
    return expiry === null ? ['set', key, text] : ['set', key, text, 'PX', expiry];
  };
  await pipelineBySlot(target, keys, set);
}

/**
 * `PEXPIRE key ms GT` of every key (`PERSIST` for `null`), one pipeline per hash slot on a
 * Cluster: an expiry is only ever lengthened (GT treats a key without one as lasting forever),
 * and a missing key stays missing.
 */
export async function extendAllBySlot(target: CommandTarget, keys: string[], expiry: number | null): Promise<void> {
  await pipelineBySlot(target, keys, (key) => (expiry === null ? ['persist', key] : ['pexpire', key, expiry, 'GT']));
}

/**
 * One command per key, made by `command(key, index in keys)`, sent as one pipeline (one per hash
 * slot on a Cluster, concurrently); rejects with the first command's error.
 */
async function pipelineBySlot(target: CommandTarget, keys: string[], command: (key: string, index: number) => PipelineCommand): Promise<void> {
  if (target instanceof ClusterCommands) {
    await Promise.all(groupBySlot(keys).map((group) => target.pipeline(group.keys.map((key, i) => command(key, group.indexes[i] ?? 0)))));
    return;
  }
  const results = (await target.pipeline(keys.map((key, i) => ['call', ...command(key, i)])).exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}

/** DEL of every key, one command per hash slot on a Cluster. */
export async function deleteAllBySlot(target: CommandTarget, keys: string[]): Promise<void> {
  if (!(target instanceof ClusterCommands)) {
    await target.del(keys);
    return;
  }
  await Promise.all(groupBySlot(keys).map((group) => target.command('del', group.keys)));
}

/** SCAN one node for `pattern` and UNLINK what it finds, batch by batch (through the Cluster's commands on a Cluster). */
export async function clearNode(target: CommandTarget, node: RedisClient, pattern: string): Promise<void> {
  const cluster = target instanceof ClusterCommands ? target : undefined;
  let cursor = '0';
  do {
    const [next, found] = await node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', CLEAR_BATCH);
    cursor = next.toString();
    if (found.length === 0) continue;
    // UNLINK of several keys must stay within one slot on a Cluster; the Cluster client routes each group.
    if (cluster) await Promise.all(groupBySlot(found).map((group) => cluster.command('unlink', group.keys)));
    else await node.unlink(found);
  } while (cursor !== '0');
}

/** Deletes KEYS[1] when it holds ARGV[1]; one atomic step on the server. */
const DELETE_IF_EQUALS_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/**
 * `DEL key` if `key` holds `text`, atomically: the Redis EVAL command runs this constant Lua script
 * on the server (never caller text). On a Cluster it goes to the key's node through the Cluster's
 * commands, sent again when the cluster is changing, as every other command is. 1 if it deleted.
 */
export function deleteIfEqualsScript(target: CommandTarget, key: string, text: string): Promise<unknown> {
  const args: CommandArgs = [DELETE_IF_EQUALS_SCRIPT, 1, key, text];
  return target instanceof ClusterCommands ? target.command('eval', args) : target.call('eval', ...args);
}

/**
 * Rewrites KEYS[1] only if it still holds ARGV[1]: `DEL` for ARGV[2] = 'del', else `SET` of
 * ARGV[3] (with `PX` ARGV[4] unless it is empty). 1 if it wrote, 0 if the key had changed.
 */
const REWRITE_IF_EQUALS_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'del' then redis.call('DEL', KEYS[1])
elseif ARGV[4] == '' then redis.call('SET', KEYS[1], ARGV[3])
else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
return 1`;

/**
 * `key` rewritten only if it holds `read`, atomically, as `deleteIfEqualsScript` runs: deleted
 * (`written` null) or set to `written.text` for `written.expiry` ms (`null`: no expiry). 1 if it wrote.
 */
export function rewriteIfEqualsScript(target: CommandTarget, key: string, read: string, written: { text: string; expiry: number | null } | null): Promise<unknown> {
  const args: CommandArgs = [REWRITE_IF_EQUALS_SCRIPT, 1, key, read, written === null ? 'del' : 'set', written?.text ?? '', written?.expiry ?? ''];
  return target instanceof ClusterCommands ? target.command('eval', args) : target.call('eval', ...args);
}

/** `SET key text [PX expiry] [NX]`, for `set` (`onlyIfAbsent` false) and `add`; `'OK'` if it stored. */
export function setOne(target: CommandTarget, key: string, text: string, expiry: number | null, onlyIfAbsent: boolean): Promise<unknown> {
  const args: CommandArgs = expiry === null ? [key, text] : [key, text, 'PX', expiry];
  if (onlyIfAbsent) args.push('NX');
  return target instanceof ClusterCommands ? target.command('set', args) : target.call('set', ...args);
}
