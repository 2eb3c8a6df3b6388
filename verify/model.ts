/**
 * The verifier's model of a recorded plan: resources indexed by URN and type, with the id, ARN and
 * physical name each would have (recomputed with the offline engine's deterministic mock answers, so
 * the references recorded in inputs — ids, ARNs, names — can be followed), and the dependency graph.
 *
 * Pure: no Pulumi runtime, no network.
 */
import { MOCK_ACCOUNT_ID, mockState } from "../offline/mocks";
import { PlanResource, VerifiablePlan } from "./types";

export const ACCOUNT_ID = MOCK_ACCOUNT_ID;

export interface Res extends PlanResource {
  /** Region the resource lives in (its provider's). */
  at: string;
  /** The id the engine answered with. */
  id: string;
  /** Outputs the engine answered with (inputs, `id`, `name` = physical name, `arn`, type extras). */
  state: Record<string, any>;
}

/** Parses a JSON-string input (policies, container definitions); undefined when not JSON. */
export function parseJson<T = any>(value: unknown): T | undefined {
  if (typeof value !== "string") return (value as T) ?? undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

export class Model {
  readonly resources: Res[];
  readonly outputs: any;
  private readonly byUrn = new Map<string, Res>();
  private readonly byRef = new Map<string, Res[]>();
  private readonly closure = new Map<string, Set<string>>();

  constructor(plan: VerifiablePlan) {
    this.outputs = plan.outputs ?? {};
    const providerRegion = new Map(plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r.region]));
    this.resources = plan.resources.map((r) => {
      const at = r.region ?? "us-east-1";
      // The mock engine answers in the region of the resource's own provider option, else in its
      // fallback region (remote components such as awsx's Vpc get a providers map, not a provider).
      const answeredIn = (r.provider ? providerRegion.get(r.provider) : undefined) ?? "us-east-1";
      const { id, state } = mockState(r.type, r.name, r.inputs ?? {}, answeredIn);
      return { ...r, inputs: r.inputs ?? {}, at, id, state };
    });
    for (const r of this.resources) {
      this.byUrn.set(r.urn, r);
      const refs = new Set<string>([r.id, r.urn]);
      for (const key of ["arn", "arnPrefix", "dnsName", "bucket", "name", "vpcId"]) {
        if (typeof r.state[key] === "string") refs.add(r.state[key]);
      }
      for (const ref of refs) this.byRef.set(ref, [...(this.byRef.get(ref) ?? []), r]);
    }
  }

  get(urn: string): Res | undefined {
    return this.byUrn.get(urn);
  }

  ofType(type: string): Res[] {
    return this.resources.filter((r) => r.type === type);
  }

  /**
   * The resource a recorded value refers to (an id, ARN, name or URN), of `type` when given; where
   * several match (one name in several regions), the one in `region`.
   */
  ref(value: unknown, type?: string, region?: string): Res | undefined {
    if (typeof value !== "string") return undefined;
    let found = (this.byRef.get(value) ?? []).filter((r) => !type || r.type === type);
    // A job definition is referred to with or without its revision; a log destination by group ARN.
    if (found.length === 0 && /:\d+$/.test(value)) found = (this.byRef.get(value.replace(/:\d+$/, "")) ?? []).filter((r) => !type || r.type === type);
    if (found.length > 1 && region) {
      const here = found.filter((r) => r.at === region);
      if (here.length > 0) found = here;
    }
    return found[0];
  }

  /** Every resource `urn` waits for, directly or through others (the engine's order). */
  dependsOn(urn: string): Set<string> {
    const cached = this.closure.get(urn);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [urn];
    while (stack.length > 0) {
      const r = this.byUrn.get(stack.pop()!);
      for (const d of r?.dependencies ?? []) {
        if (!seen.has(d.urn)) {
          seen.add(d.urn);
          stack.push(d.urn);
        }
      }
    }
    this.closure.set(urn, seen);
    return seen;
  }

  /** Whether `a` is created only after `b` exists. */
  after(a: Res, b: Res): boolean {
    return this.dependsOn(a.urn).has(b.urn);
  }

  /** Whether the plan recorded dependencies at all (older plans did not). */
  get hasDependencies(): boolean {
    return this.resources.some((r) => r.dependencies !== undefined);
  }
}
