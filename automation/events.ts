/**
 * Engine events (`onEvent` of the Automation API) turned into a small typed stream:
 * resource started / finished / failed, each with its region and its ecs-fleet component, plus
 * diagnostics and the final summary. Unknown or malformed events are ignored, never thrown on:
 * the engine adds event types over time.
 *
 * Region of a resource: the name of its explicit provider, `aws-<region>` (one provider per region,
 * named from the region key); else an `aws:` resource's own `region` input; else its nearest
 * ancestor's region; else null (global: the stack, DNS, components before their first child).
 */
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

/** Resource counts by operation (`create`, `update`, `same`, `delete`, `replace`, ...). */
export type ChangeCounts = Partial<Record<OpType, number>>;

/** The key used in per-region tallies for resources without a region. */
export const GLOBAL = "global";

interface ResourceEventBase {
  urn: string;
  /** Resource type token, e.g. `aws:ecs/service:Service`. */
  type: string;
  /** Resource name (the last part of the URN). */
  name: string;
  /** The step: `create`, `update`, `same`, `delete`, `replace`, `refresh`, ... */
  op: OpType;
  /** AWS region the resource lives in, or null when it has none (global resources). */
  region: string | null;
  /** Name of the outermost ecs-fleet component it belongs to (itself if it is one), or null. */
  component: string | null;
  /** Type token of that component, e.g. `ecs-fleet:region:RegionalFootprint`, or null. */
  componentType: string | null;
  /** True during a preview (nothing is changed). */
  planning: boolean;
  sequence: number;
  timestamp: number;
}

export interface ResourceStartedEvent extends ResourceEventBase {
  kind: "resource-started";
}
export interface ResourceFinishedEvent extends ResourceEventBase {
  kind: "resource-finished";
}
export interface ResourceFailedEvent extends ResourceEventBase {
  kind: "resource-failed";
}
export interface DiagnosticFleetEvent {
  kind: "diagnostic";
  severity: "info" | "info#err" | "warning" | "error";
  message: string;
  urn: string | null;
  region: string | null;
  sequence: number;
  timestamp: number;
}
/**
 * A policy of the stack's policy pack reported a resource (or the stack). `mandatory` violations
 * stop the preview/up; `advisory` ones are reported only.
 */
export interface PolicyFleetEvent {
  kind: "policy";
  policy: string;
  pack: string;
  packVersion: string;
  /** The engine's enforcement level; CrossGuard's `advisory` arrives as `warning` and is reported as `advisory`. */
  level: "mandatory" | "advisory" | "remediate" | "disabled";
  message: string;
  urn: string | null;
  region: string | null;
  sequence: number;
  timestamp: number;
}
export interface SummaryFleetEvent {
  kind: "summary";
  changes: ChangeCounts;
  durationSeconds: number;
  sequence: number;
  timestamp: number;
}

/** One event of the typed stream. */
export type FleetEvent =
  | ResourceStartedEvent
  | ResourceFinishedEvent
  | ResourceFailedEvent
  | DiagnosticFleetEvent
  | PolicyFleetEvent
  | SummaryFleetEvent;

/** Parts of a URN: `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`. */
export function parseUrn(urn: string): { typeChain: string[]; type: string; name: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return undefined;
  const typeChain = parts[2].split("$");
  return { typeChain, type: typeChain[typeChain.length - 1], name: parts.slice(3).join("::") };
}

/**
 * Region named by a provider reference (`<provider urn>::<id>`) or provider URN whose resource name
 * is `aws-<region>`; undefined otherwise (default providers, other packages).
 */
export function regionOfProvider(providerRef: string | undefined): string | undefined {
  if (!providerRef) return undefined;
  const parts = providerRef.split("::");
  if (parts.length < 4) return undefined;
  if (!parts[2].endsWith("pulumi:providers:aws")) return undefined;
  const m = /^aws-([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(parts[3]);
  return m ? m[1] : undefined;
}

interface Known {
  parent: string | null;
  region: string | null;
  op: OpType;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Stateful translator for one operation's engine events (it learns parents and regions as events
 * arrive). `translate` returns undefined for events it does not know.
 */
export class EventTranslator {
  private readonly known = new Map<string, Known>();
  private readonly deployed = new Map<string, { serviceName?: unknown; cluster?: unknown; taskDefinition?: unknown }>();

  translate(event: EngineEvent): FleetEvent | undefined {
    try {
      return this.translateUnsafe(event);
    } catch {
      return undefined; // a malformed event must never break the operation
    }
  }

  /** Resources seen so far, tallied by region (`global` for none), by their last operation. */
  changesByRegion(): Record<string, ChangeCounts> {
    const out: Record<string, ChangeCounts> = {};
    for (const [urn, k] of this.known) {
      if (parseUrn(urn)?.type === "pulumi:pulumi:Stack") continue;
      const key = this.regionOf(urn) ?? GLOBAL;
      const counts = (out[key] ??= {});
      counts[k.op] = (counts[k.op] ?? 0) + 1;
    }
    return out;
  }

  /**
   * ECS services this (non-preview) operation created, updated or replaced, with the name, cluster
   * and task definition the engine gave them (the step's new state). Entries whose values are not
   * known (not strings) are returned with empty strings, so a caller can refuse to trust them.
   */
  deployedServices(): Array<{ urn: string; region: string | null; serviceName: string; cluster: string; taskDefinition: string }> {
    const str = (v: unknown): string => (typeof v === "string" ? v : "");
    return [...this.deployed].map(([urn, d]) => ({
      urn,
      region: this.regionOf(urn),
      serviceName: str(d.serviceName),
      cluster: str(d.cluster),
      taskDefinition: str(d.taskDefinition),
    }));
  }

  private noteDeployment(metadata: StepEventMetadata | undefined): void {
    if (!isRecord(metadata) || metadata.type !== "aws:ecs/service:Service" || typeof metadata.urn !== "string") return;
    if (!["create", "update", "replace", "create-replacement"].includes(String(metadata.op))) return;
    const state = metadata.new;
    const pick = (k: string): unknown => (isRecord(state?.outputs) && typeof state.outputs[k] === "string" ? state.outputs[k] : state?.inputs?.[k]);
    this.deployed.set(metadata.urn, { serviceName: pick("name"), cluster: pick("cluster"), taskDefinition: pick("taskDefinition") });
  }

  private translateUnsafe(e: EngineEvent): FleetEvent | undefined {
    const base = { sequence: Number(e.sequence) || 0, timestamp: Number(e.timestamp) || 0 };
    if (isRecord(e.resOutputsEvent) && !e.resOutputsEvent.planning) this.noteDeployment(e.resOutputsEvent.metadata);
    if (isRecord(e.resourcePreEvent)) {
      return this.resourceEvent("resource-started", e.resourcePreEvent.metadata, !!e.resourcePreEvent.planning, base);
    }
    if (isRecord(e.resOutputsEvent)) {
      return this.resourceEvent("resource-finished", e.resOutputsEvent.metadata, !!e.resOutputsEvent.planning, base);
    }
    if (isRecord(e.resOpFailedEvent)) {
      return this.resourceEvent("resource-failed", e.resOpFailedEvent.metadata, false, base);
    }
    if (isRecord(e.diagnosticEvent) && typeof e.diagnosticEvent.message === "string") {
      const d = e.diagnosticEvent;
      const urn = typeof d.urn === "string" && d.urn !== "" ? d.urn : null;
      return {
        kind: "diagnostic",
        severity: d.severity,
        message: d.message,
        urn,
        region: urn ? this.regionOf(urn) : null,
        ...base,
      };
    }
    if (isRecord(e.policyEvent) && typeof e.policyEvent.policyName === "string") {
      const p = e.policyEvent as unknown as Record<string, unknown>;
      const urn = typeof p.resourceUrn === "string" && p.resourceUrn !== "" ? p.resourceUrn : null;
      const raw = String(p.enforcementLevel ?? "");
      const level = raw === "mandatory" || raw === "remediate" || raw === "disabled" ? raw : "advisory";
      return {
        kind: "policy",
        policy: String(p.policyName),
        pack: String(p.policyPackName ?? ""),
        packVersion: String(p.policyPackVersion ?? ""),
        level,
        message: typeof p.message === "string" ? p.message : "",
        urn,
        region: urn ? this.regionOf(urn) : null,
        ...base,
      };
    }
    if (isRecord(e.summaryEvent)) {
      const s = e.summaryEvent;
      return {
        kind: "summary",
        changes: isRecord(s.resourceChanges) ? { ...s.resourceChanges } : {},
        durationSeconds: Number(s.durationSeconds) || 0,
        ...base,
      };
    }
    return undefined;
  }

  private resourceEvent(
    kind: "resource-started" | "resource-finished" | "resource-failed",
    metadata: StepEventMetadata | undefined,
    planning: boolean,
    base: { sequence: number; timestamp: number },
  ): FleetEvent | undefined {
    if (!isRecord(metadata) || typeof metadata.urn !== "string") return undefined;
    const parsed = parseUrn(metadata.urn);
    if (!parsed) return undefined;
    const state = metadata.new ?? metadata.old;
    const parent = typeof state?.parent === "string" && state.parent !== "" ? state.parent : null;
    const own = this.ownRegion(metadata, parsed);
    const prev = this.known.get(metadata.urn);
    const op = (typeof metadata.op === "string" ? metadata.op : prev?.op ?? "same") as OpType;
    this.known.set(metadata.urn, { parent: parent ?? prev?.parent ?? null, region: own ?? prev?.region ?? null, op });
    const region = this.regionOf(metadata.urn);
    if (region) this.lendRegionToAncestors(metadata.urn, region);
    const comp = this.componentOf(metadata.urn);
    return {
      kind,
      urn: metadata.urn,
      type: typeof metadata.type === "string" ? metadata.type : parsed.type,
      name: parsed.name,
      op,
      region,
      component: comp?.name || null,
      componentType: comp?.type ?? null,
      planning,
      ...base,
    };
  }

  private ownRegion(metadata: StepEventMetadata, parsed: { type: string; name: string }): string | undefined {
    if (parsed.type === "pulumi:providers:aws") {
      const m = /^aws-(.+)$/.exec(parsed.name);
      const input = metadata.new?.inputs?.region ?? metadata.old?.inputs?.region;
      return typeof input === "string" ? input : m?.[1];
    }
    const fromProvider = regionOfProvider(metadata.provider || metadata.new?.provider || metadata.old?.provider);
    if (fromProvider) return fromProvider;
    if (parsed.type.startsWith("aws:")) {
      const input = metadata.new?.inputs?.region ?? metadata.old?.inputs?.region;
      if (typeof input === "string" && input !== "") return input;
    }
    return undefined;
  }

  /** Own region, else the nearest ancestor's. */
  private regionOf(urn: string): string | null {
    const seen = new Set<string>();
    for (let u: string | null = urn; u && !seen.has(u); u = this.known.get(u)?.parent ?? null) {
      seen.add(u);
      const r = this.known.get(u)?.region;
      if (r) return r;
    }
    return null;
  }

  /** A component takes the region of its first regional child (until then it has none). */
  private lendRegionToAncestors(urn: string, region: string): void {
    const seen = new Set<string>([urn]);
    for (let u = this.known.get(urn)?.parent ?? null; u && !seen.has(u); u = this.known.get(u)?.parent ?? null) {
      seen.add(u);
      const k = this.known.get(u);
      if (!k || k.region) return;
      if (parseUrn(u)?.type === "pulumi:pulumi:Stack") return;
      k.region = region;
    }
  }

  /** Outermost ancestor-or-self whose type is an ecs-fleet component. */
  private componentOf(urn: string): { name: string; type: string } | undefined {
    let found: { name: string; type: string } | undefined;
    const seen = new Set<string>();
    for (let u: string | null = urn; u && !seen.has(u); u = this.known.get(u)?.parent ?? null) {
      seen.add(u);
      const p = parseUrn(u);
      if (p && p.type.startsWith("ecs-fleet:")) found = { name: p.name, type: p.type };
    }
    if (found) return found;
    // Parent not seen (e.g. a refresh that starts mid-tree): the URN's type chain still names the type.
    const chain = parseUrn(urn)?.typeChain ?? [];
    const type = chain.find((t) => t.startsWith("ecs-fleet:"));
    return type ? { name: "", type } : undefined;
  }
}
