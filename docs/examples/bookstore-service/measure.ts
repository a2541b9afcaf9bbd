// Sending a workload to a service and summing up what it took.
import { performance } from 'node:perf_hooks';
import type { Phase, WorkloadRequest } from './workload';

/** What one run of the workload gave. */
export interface RunResult {
  /** Milliseconds per request, in the order the answers came. */
  readonly latencies: number[];
  /** The body of every read, in workload order (compared between runs). */
  readonly readBodies: string[];
  /** Requests that did not answer 2xx, with what they got. */
  readonly failures: string[];
  readonly wallMs: number;
}

/** Sends every phase to `baseUrl`: its reads `concurrency` at a time, then its write alone. */
export async function runWorkload(baseUrl: string, phases: readonly Phase[], concurrency: number): Promise<RunResult> {
  const result: RunResult = { latencies: [], readBodies: [], failures: [], wallMs: 0 };
  const started = performance.now();
  for (const phase of phases) {
    const bodies = new Array<string>(phase.reads.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < phase.reads.length; index = next++) {
        bodies[index] = await send(baseUrl, phase.reads[index] as WorkloadRequest, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, phase.reads.length) }, worker));
    result.readBodies.push(...bodies);
    if (phase.write) await send(baseUrl, phase.write, result);
  }
  return { ...result, wallMs: performance.now() - started };
}

async function send(baseUrl: string, request: WorkloadRequest, result: RunResult): Promise<string> {
  const started = performance.now();
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.body ? { 'content-type': 'application/json' } : undefined,
    body: request.body ? JSON.stringify(request.body) : undefined,
  });
  const text = await response.text();
  result.latencies.push(performance.now() - started);
  if (!response.ok) result.failures.push(`${request.method} ${request.path}: ${response.status} ${text}`);
  return text;
}

/** Latency figures of a run, in milliseconds. */
export interface Summary {
  readonly requestsPerSecond: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** The throughput and the latency percentiles of `run`. */
export function summarize(run: RunResult): Summary {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    requestsPerSecond: (sorted.length / run.wallMs) * 1000,
    mean: sorted.length ? total / sorted.length : 0,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
  };
}
