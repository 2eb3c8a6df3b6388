/**
 * Transient AWS errors and their retry. The SDK already retries each call a few times (3 attempts,
 * standard mode); a throttled control plane can stay throttled longer than that, so the rollout
 * retries throttling and transient errors again, with capped exponential backoff and jitter, until
 * the wave's health timeout — one throttled DescribeServices must not fail a wave.
 *
 * The classification follows the SDK's own (smithy `service-error-classification`: error names,
 * the `$retryable` trait, HTTP 429 and 5xx, Node.js network error codes), written out here rather
 * than imported from a transitive dependency.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
import type { Clock } from "./clock";

/** Error names AWS services use for throttling. */
export const THROTTLING_ERROR_NAMES: readonly string[] = [
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
];

/** Error names of transient failures (timeouts). */
export const TRANSIENT_ERROR_NAMES: readonly string[] = ["TimeoutError", "RequestTimeout", "RequestTimeoutException"];

/** HTTP statuses worth retrying: 429 (throttled) and the 5xx the SDK treats as transient. */
export const TRANSIENT_HTTP_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/** Node.js network error codes worth retrying. */
export const TRANSIENT_NODE_CODES: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"];

interface AwsLikeError {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Throttling, a timeout, a 429/5xx, or a network error: worth trying again. */
export function isTransientAwsError(err: unknown, depth = 0): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as AwsLikeError;
  if (e.name === "AbortError") return false;
  if (e.$retryable !== undefined) return true;
  if (typeof e.name === "string" && (THROTTLING_ERROR_NAMES.includes(e.name) || TRANSIENT_ERROR_NAMES.includes(e.name))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && TRANSIENT_HTTP_STATUSES.includes(status)) return true;
  if (typeof e.code === "string" && TRANSIENT_NODE_CODES.includes(e.code)) return true;
  return e.cause !== undefined && depth < 10 && isTransientAwsError(e.cause, depth + 1);
}

export interface BackoffOptions {
  /** First wait. Default 1000 ms. */
  baseMs?: number;
  /** Upper bound of one wait. Default 30000 ms. */
  maxMs?: number;
  /** Random source in [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
}

/**
 * Wait before retry number `retry` (1-based): "equal jitter" — half the capped exponential delay,
 * plus a random part of the other half (the Builders' Library article above), so many clients
 * throttled together do not retry in step.
 */
export function jitteredBackoff(retry: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 30_000;
  const capped = Math.min(max, base * 2 ** (retry - 1));
  return Math.round(capped / 2 + (options.random ?? Math.random)() * (capped / 2));
}

export interface RetryContext extends BackoffOptions {
  clock: Clock;
  /** Epoch ms after which no new attempt starts. */
  deadline: number;
  /** Called before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `fn` until it succeeds, its error is not transient, or the deadline has passed; throws the
 * last error.
 */
export async function retryTransient<T>(fn: () => Promise<T>, ctx: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const now = ctx.clock.now().getTime();
      if (!isTransientAwsError(err) || now >= ctx.deadline) throw err;
      const delayMs = Math.max(1, Math.min(jitteredBackoff(attempt, ctx), ctx.deadline - now));
      ctx.onRetry?.({ attempt, delayMs, error: err });
      await ctx.clock.sleep(delayMs);
    }
  }
}
