/**
 * Listener rule priorities that stay put when services come and go.
 *
 * Each name hashes to a home slot in a large range; names are placed in name order, each at the
 * first free slot from its home (linear probing, wrapping inside the range). A service that sits at
 * its home slot keeps it whatever else is added or removed, and adding a service whose home slot is
 * free never moves another one (proof: the old placements never used that slot, so every later name
 * probes the same occupied slots as before). The remaining edge case: when a new service's home slot
 * is already held (probability about n/size per added service), the holder may move if the new name
 * sorts first; and removing a service lets the services that probed past its slot move back.
 */
import * as crypto from "crypto";

/** A range of priorities: `size` home slots starting at `start`, probing up to `end` (inclusive). */
export interface PriorityRange {
  start: number;
  size: number;
  end: number;
}

/** Rules that route a service's traffic (ALB allows priorities 1..50000). */
export const ROUTE_PRIORITIES: PriorityRange = { start: 1001, size: 40000, end: 50000 };
/** Rules that route the Route 53 health checks (evaluated before every routing rule). */
export const HEALTH_PRIORITIES: PriorityRange = { start: 1, size: 1000, end: 1000 };

/** The home slot of a name: a stable hash of the name into the range. */
export function homeSlot(name: string, range: PriorityRange): number {
  const h = crypto.createHash("sha256").update(name).digest().readUInt32BE(0);
  return range.start + (h % range.size);
}

/** Priorities of a set of names, by name. Throws when there are more names than slots. */
export function assignPriorities(names: readonly string[], range: PriorityRange): Map<string, number> {
  const slots = range.end - range.start + 1;
  if (names.length > slots) throw new Error(`assignPriorities: ${names.length} names do not fit ${slots} priorities`);
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const name of [...new Set(names)].sort()) {
    let p = homeSlot(name, range);
    while (taken.has(p)) p = p === range.end ? range.start : p + 1;
    taken.add(p);
    out.set(name, p);
  }
  return out;
}
