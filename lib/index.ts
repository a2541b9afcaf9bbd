/**
 * The public API of `easy-cache`: the core and the memory backend. Redis and Memcached live in
 * `easy-cache/redis` and `easy-cache/memcached`, so importing this loads neither client.
 *
 * @module easy-cache
 */
export { cached } from './cached';
export { cachedMethod, cachedProperty } from './methods';
export { cacheExports } from './exports';
export { invalidateCacheKey, invalidateCacheTags, invalidateCachePrefix, expireCacheKey, expireCacheTags, expireCachePrefix } from './invalidate';
export { caches } from './registry';
export { metaAccepted } from './meta';
export { cachedView } from './handle';
export { createCacheKey, KEY_DELIMITER } from './keys/key-parts';
export { createTagCacheKey, TAG_KEY_PREFIX } from './tags/tag-protocol';
export { DEFAULT_TIMEOUT, DEFAULT_OPTIONS } from './options/defaults';
export { NOT_FOUND, NOT_HELD } from './backends/backend';
export { MemoryCache } from './backends/memory/memory-cache';
export { taggedJson } from './serializer/tagged-json';
export { CALL_CHANNEL, EVENT_CHANNEL, BACKEND_CHANNEL, easyCacheChannels } from './observe/channels';
export { EasyCacheError, CacheConfigError, CacheTemplateError, CacheKeyError, BackendError, SerializationError, ValueTooLargeError, SchemaError, FunctionTimeoutError, FunctionError } from './errors';

export type { CacheInstance, BackendTimeout, NotFound, BreakerSettings, Foresee, ReadReceiver, EntryRewrite } from './backends/backend';
export type { BreakerOption } from './backends/shared/breaker-option';
export type { DecodeMemoOption } from './backends/shared/decode-memo-option';
export type { MemoryCacheOptions } from './backends/memory/memory-cache-options';
export type { Serializer } from './serializer/serializer';
export type { DefaultTimeout } from './options/defaults';
export type { EasyCacheErrorCode, SchemaIssue, SchemaPathSegment } from './errors';
export type { CacheEvent, CacheEventListener, HitEvent, MissEvent, MissReason, StaleEvent, StaleReason, SetEvent, InvalidateEvent, BackendErrorEvent, LockEvent, LockGiveUpReason, NearCacheEvent } from './observe/events';
export type { BreakerOpenEvent, BreakerCloseEvent } from './observe/breaker-events';
export type { ErrorHandler, ErrorInfo } from './observe/report';
export type { LockOptions } from './options/lock-options';
export type { CallMessage, CallOutcome, BackendCallMessage, EasyCacheChannels } from './observe/channels';
export type { InvalidateOptions } from './invalidate';
export type { AsyncMethodNames, AsyncPropertyNames, CachedMethodOptions, ClassLike } from './methods';
export type { CacheExportsPlan, CachedExports } from './exports';
export type {
  CachedOptions,
  CachedFunction,
  CacheHelpers,
  ScopedCacheHelpers,
  CachedMethodHandle,
  CachedPropertyHandle,
  CachedMember,
  CallFunction,
  CacheableMethodName,
  CacheablePropertyName,
  MemberOf,
  PropertyResult,
  TypeErrorMessage,
  StandardSchema,
  StandardResult,
  ValueOf,
  Meta,
  MetaFunction,
  Timeout,
  LeadingArgs,
} from './types';
