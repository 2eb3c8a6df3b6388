/**
 * `ecs-fleet:cost`: the usage-driven parts of the monthly cost estimate (`npm run plan -- --cost`),
 * which no plan can know: traffic, log volume, queries, run times. Each key overrides one stated
 * assumption; nothing here changes what is deployed. Self-contained: read by review/cost.ts through
 * `costAssumptions`, validated with the rest of the config.
 */
import { z } from "zod";
import { describeValue, struct } from "./common";

/** A number (fractions allowed) from `min` to `max`; numeric strings accepted. */
function amount(min: number, max: number, what: string) {
  return z.unknown().transform((v, ctx) => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `expected ${what} from ${min} to ${max}, got ${describeValue(v)}` });
      return z.NEVER;
    }
    return n;
  });
}

/** The defaults, each stated in the estimate's output. */
export const DEFAULT_COST_ASSUMPTIONS = {
  /** GB processed per NAT gateway and month. */
  natGbPerGateway: 100,
  /** Average LCUs per ALB and hour (new connections, active connections, bytes, rule evaluations: the largest). */
  albLcu: 1,
  /** GB of logs ingested per service (per region or site) and month. */
  logGbPerService: 1,
  /** Million DNS queries per global name and month. */
  dnsQueriesMillionsPerName: 1,
  /** Minutes one run of a scheduled Batch job takes (per array child). */
  batchRunMinutes: 10,
  /** Fargate Spot discount off the on-demand price (0.7 = 70% off). */
  spotDiscount: 0.7,
};

export type CostAssumptions = typeof DEFAULT_COST_ASSUMPTIONS;

export const CostSchema = struct(
  {
    natGbPerGateway: amount(0, 1e9, "GB per NAT gateway and month").optional(),
    albLcu: amount(0, 1e6, "LCUs per load balancer and hour").optional(),
    logGbPerService: amount(0, 1e9, "GB of logs per service and month").optional(),
    dnsQueriesMillionsPerName: amount(0, 1e6, "million queries per name and month").optional(),
    batchRunMinutes: amount(0, 1440 * 14, "minutes per job run").optional(),
    spotDiscount: amount(0, 0.95, "a fraction").optional(),
  },
  Object.keys(DEFAULT_COST_ASSUMPTIONS).join(", "),
);

/**
 * The assumptions of a stack: the defaults, overridden by `ecs-fleet:cost` of the raw config map.
 * The value is validated with the whole config (stacks/validate.ts); an invalid one is not used here.
 */
export function costAssumptions(raw: Record<string, string>): { assumptions: CostAssumptions; overridden: (keyof CostAssumptions)[] } {
  const text = raw["ecs-fleet:cost"];
  if (text === undefined) return { assumptions: { ...DEFAULT_COST_ASSUMPTIONS }, overridden: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  const parsed = CostSchema.safeParse(value);
  if (!parsed.success) return { assumptions: { ...DEFAULT_COST_ASSUMPTIONS }, overridden: [] };
  const overridden = (Object.keys(parsed.data) as (keyof CostAssumptions)[]).filter((k) => parsed.data[k] !== undefined);
  const assumptions = { ...DEFAULT_COST_ASSUMPTIONS };
  for (const k of overridden) assumptions[k] = parsed.data[k] as number;
  return { assumptions, overridden };
}
