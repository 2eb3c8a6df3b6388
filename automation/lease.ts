/**
 * The rollout lease: one rollout per stack at a time. It is a stack tag (`fleet.rollout.lease`,
 * next to the journal, see ./journal) naming its holder, when it was taken and when it expires;
 * the holder renews it as it goes (each wave, each health poll once half the lease is used).
 *
 *  - A lease that has not expired refuses a second rollout (LeaseHeldError, with its holder);
 *    `force` breaks it, and the rollout says whose it was.
 *  - An expired lease is stale (its holder stopped renewing: crashed or killed): it is taken over,
 *    and the rollout says whose it was.
 *
 * Stack tags have no compare-and-set, so two rollouts starting in the same instant could both
 * write the tag: after writing, the lease is read back after a pause and the loser (the tag names
 * the other holder) backs off; each renewal checks the tag still names this holder and stops the
 * rollout (LeaseLostError) before its next step if not. Each `up` is still serialised by the
 * backend's own update lock.
 */
import { randomBytes } from "crypto";
import * as os from "os";
import type { Clock } from "./clock";
import { FleetError } from "./errors";
import { type TagStore, TAG_VALUE_MAX, checkTag } from "./journal";

export const LEASE_TAG = "fleet.rollout.lease";

export interface Lease {
  /** Who holds it, e.g. `alice@build-7 (pid 4242)`. */
  holder: string;
  /** ISO times. */
  start: string;
  expires: string;
  /** Random, tells two holders with the same name apart. */
  token: string;
}

/** Another rollout holds the stack's lease. */
export class LeaseHeldError extends FleetError {
  constructor(
    readonly stack: string,
    readonly lease: Lease,
  ) {
    super(
      `another rollout holds stack ${stack}: ${lease.holder}, since ${lease.start}, lease until ${lease.expires}; ` +
        "wait for it, or break the lease with --force if that rollout is gone",
    );
  }
}

/** The lease was taken by someone else while this rollout ran. */
export class LeaseLostError extends FleetError {
  constructor(
    readonly stack: string,
    readonly lease: Lease | undefined,
  ) {
    super(`stack ${stack}: this rollout lost its lease${lease ? ` to ${lease.holder} (since ${lease.start})` : " (the lease tag was removed)"}; stopped before the next step`);
  }
}

export function defaultHolder(): string {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return `${process.env.FLEET_ROLLOUT_HOLDER ?? `${user}@${os.hostname()}`} (pid ${process.pid})`;
}

export function parseLease(text: string | undefined): Lease | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as { h?: unknown; s?: unknown; e?: unknown; t?: unknown };
    if (typeof v.h === "string" && typeof v.s === "string" && typeof v.e === "string" && typeof v.t === "string") {
      return { holder: v.h, start: v.s, expires: v.e, token: v.t };
    }
  } catch {
    // not ours
  }
  return { holder: "unknown (unreadable lease tag)", start: "?", expires: "?", token: "?" };
}

function encode(l: Lease): string {
  const room = TAG_VALUE_MAX - JSON.stringify({ h: "", s: l.start, e: l.expires, t: l.token }).length;
  const holder = l.holder.length > room ? `${l.holder.slice(0, Math.max(0, room - 1))}…` : l.holder;
  return JSON.stringify({ h: holder, s: l.start, e: l.expires, t: l.token });
}

export interface LeaseOptions {
  stack: string;
  holder?: string;
  /** Lease length. Default 30 minutes. */
  ttlMs?: number;
  /** Break an unexpired lease. */
  force?: boolean;
  /** Pause between writing the lease and reading it back. Default 2 s. */
  settleMs?: number;
  clock: Clock;
}

/** A lease this process holds. */
export class HeldLease {
  private lease: Lease;

  constructor(
    private readonly store: TagStore,
    private readonly options: LeaseOptions,
    lease: Lease,
    /** The lease this one replaced (broken with force, or expired). */
    readonly previous?: Lease & { expired: boolean },
  ) {
    this.lease = lease;
  }

  get current(): Lease {
    return { ...this.lease };
  }

  /** Checks the lease is still ours; extends it once half of it is used (or always with `force`). */
  async renew(force = false): Promise<void> {
    const found = parseLease((await this.store.listTags())[LEASE_TAG]);
    if (!found || found.token !== this.lease.token) throw new LeaseLostError(this.options.stack, found);
    const now = this.options.clock.now().getTime();
    const ttl = this.options.ttlMs ?? 30 * 60_000;
    if (!force && Date.parse(this.lease.expires) - now > ttl / 2) return;
    this.lease = { ...this.lease, expires: new Date(now + ttl).toISOString() };
    await this.store.setTag(LEASE_TAG, encode(this.lease));
  }

  /** Gives the lease up (only if it is still ours). */
  async release(): Promise<void> {
    const found = parseLease((await this.store.listTags())[LEASE_TAG]);
    if (found?.token === this.lease.token) await this.store.removeTag(LEASE_TAG);
  }
}

/** Takes the stack's rollout lease. Throws LeaseHeldError. */
export async function acquireLease(store: TagStore, options: LeaseOptions): Promise<HeldLease> {
  const { clock } = options;
  const existing = parseLease((await store.listTags())[LEASE_TAG]);
  const now = clock.now().getTime();
  let previous: (Lease & { expired: boolean }) | undefined;
  if (existing) {
    const expired = Number.isFinite(Date.parse(existing.expires)) && Date.parse(existing.expires) <= now;
    if (!expired && !options.force) throw new LeaseHeldError(options.stack, existing);
    previous = { ...existing, expired };
  }
  const lease: Lease = {
    holder: options.holder ?? defaultHolder(),
    start: new Date(now).toISOString(),
    expires: new Date(now + (options.ttlMs ?? 30 * 60_000)).toISOString(),
    token: randomBytes(6).toString("hex"),
  };
  const value = encode(lease);
  checkTag(LEASE_TAG, value);
  await store.setTag(LEASE_TAG, value);
  await clock.sleep(options.settleMs ?? 2000);
  const after = parseLease((await store.listTags())[LEASE_TAG]);
  if (!after || after.token !== lease.token) {
    // Someone wrote the tag in the same instant; the last write won and it is not ours.
    throw new LeaseHeldError(options.stack, after ?? { holder: "unknown (lease tag removed)", start: "?", expires: "?", token: "?" });
  }
  return new HeldLease(store, options, lease, previous);
}
