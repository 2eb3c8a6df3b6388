/**
 * The difference between two plan documents, as a reviewer reads it: resources added, removed and
 * changed, grouped by region, site and component; per change the inputs that differ (old → new,
 * secrets stay `[secret]`), which of them force a replacement (./replacements.ts), deletions of
 * stateful or shared resources called out; the policy and verification results of both sides as
 * differences. Resources are matched by URN (type, parent chain and name), as the engine matches
 * them. Pure.
 */
import { PlanDoc, PlanResource, Placement, VerifyResult, expandJson, placements, shortType } from "./model";
import { REPLACEMENT_TABLE, STATEFUL_TYPES, replacingPaths } from "./replacements";

const SECRET = "[secret]";

export interface InputChange {
  /** `cpu`, `containerDefinitions[0].image`, `computeResources.type`. */
  path: string;
  /** Absent when the input is new. */
  old?: unknown;
  /** Absent when the input is gone. */
  new?: unknown;
  forcesReplacement: boolean;
}

export type ChangeKind = "add" | "remove" | "update" | "replace";

export interface ResourceChange {
  kind: ChangeKind;
  urn: string;
  type: string;
  name: string;
  placement: Placement;
  /** Inputs that differ (update/replace only). */
  inputs: InputChange[];
  /** For a removal (or replacement) of a stateful or shared resource: what is lost. */
  stateful?: string;
  /** The type is not in the replacement table: whether a change replaces it is not known. */
  replacementUnknown?: boolean;
  /** From the replacement table, when it says what a replacement means. */
  note?: string;
}

export interface PolicyDelta {
  added: { rule: string; level: string; urn: string; message: string }[];
  removed: { rule: string; level: string; urn: string; message: string }[];
}

export interface VerifyDelta {
  /** Per check: failures that are new in head, and failures that head fixed. */
  checks: { check: string; examined: { base: number | null; head: number | null }; added: { urn: string; message: string }[]; removed: { urn: string; message: string }[] }[];
}

export interface PlanDiff {
  base: { label: string; stack: string; resources: number };
  head: { label: string; stack: string; resources: number };
  summary: { add: number; change: number; remove: number; replace: number };
  changes: ResourceChange[];
  policy: PolicyDelta;
  /** Present when either side carries a verification result. */
  verify?: VerifyDelta;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Leaf-level differences of two input values (JSON-encoded documents compared as documents). */
export function inputDifferences(a: unknown, b: unknown, path = ""): { path: string; old?: unknown; new?: unknown }[] {
  const x = expandJson(a);
  const y = expandJson(b);
  if (x === SECRET || y === SECRET) {
    // A secret is compared by its placeholder only: its value is not known offline.
    return x === y ? [] : [{ path, old: x === undefined ? undefined : x === SECRET ? SECRET : x, new: y === undefined ? undefined : y === SECRET ? SECRET : y }];
  }
  if (Array.isArray(x) && Array.isArray(y)) {
    const out: { path: string; old?: unknown; new?: unknown }[] = [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) out.push(...inputDifferences(x[i], y[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(x) && isObject(y)) {
    const out: { path: string; old?: unknown; new?: unknown }[] = [];
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      out.push(...inputDifferences(x[k], y[k], path === "" ? k : `${path}.${k}`));
    }
    return out;
  }
  if (JSON.stringify(x) === JSON.stringify(y)) return [];
  const change: { path: string; old?: unknown; new?: unknown } = { path };
  if (x !== undefined) change.old = x;
  if (y !== undefined) change.new = y;
  return [change];
}

function violationKey(v: { rule: string; urn: string; message: string }): string {
  return `${v.rule}\u0000${key(v.urn)}\u0000${v.message}`;
}

/** Differences of two verification results, check by check. */
export function verifyDelta(base: VerifyResult | undefined, head: VerifyResult | undefined): VerifyDelta {
  const names = [...new Set([...(base?.checks ?? []), ...(head?.checks ?? [])].map((c) => c.check))].sort();
  const failureKey = (f: { urn: string; message: string }) => `${key(f.urn)}\u0000${f.message}`;
  return {
    checks: names.map((check) => {
      const b = base?.checks.find((c) => c.check === check);
      const h = head?.checks.find((c) => c.check === check);
      const bk = new Set((b?.failures ?? []).map(failureKey));
      const hk = new Set((h?.failures ?? []).map(failureKey));
      return {
        check,
        examined: { base: b ? b.examined : null, head: h ? h.examined : null },
        added: (h?.failures ?? []).filter((f) => !bk.has(failureKey(f))),
        removed: (b?.failures ?? []).filter((f) => !hk.has(failureKey(f))),
      };
    }),
  };
}

/** A URN without its stack, so a plan saved for another stack name still matches resource by resource. */
function key(urn: string): string {
  return urn.replace(/^urn:pulumi:[^:]*::/, "urn:pulumi:*::");
}

/** The resources' own inputs plus the provider they use (a provider change moves the resource). */
function comparable(r: PlanResource): Record<string, unknown> {
  return r.type.startsWith("pulumi:providers:") || !r.provider ? r.inputs : { ...r.inputs, "(provider)": key(r.provider) };
}

/** Diffs `head` against `base`. */
export function diffPlans(base: PlanDoc, head: PlanDoc, labels: { base: string; head: string } = { base: "base", head: "head" }): PlanDiff {
  const before = new Map(base.resources.map((r) => [key(r.urn), r]));
  const after = new Map(head.resources.map((r) => [key(r.urn), r]));
  const placedBefore = placements(base);
  const placedAfter = placements(head);
  const changes: ResourceChange[] = [];

  for (const r of head.resources) {
    const old = before.get(key(r.urn));
    const placement = placedAfter.get(r.urn)!;
    if (!old) {
      changes.push({ kind: "add", urn: r.urn, type: r.type, name: r.name, placement, inputs: [] });
      continue;
    }
    const diffs = inputDifferences(comparable(old), comparable(r));
    if (diffs.length === 0) continue;
    const isComponent = r.type.startsWith("ecs-fleet:");
    const forcing = isComponent ? [] : replacingPaths(r.type, diffs.map((d) => d.path));
    const providerMoved = diffs.some((d) => d.path === "(provider)");
    const forced = new Set([...(forcing ?? []), ...(providerMoved ? ["(provider)"] : [])]);
    const kind: ChangeKind = forced.size > 0 ? "replace" : "update";
    const change: ResourceChange = {
      kind,
      urn: r.urn,
      type: r.type,
      name: r.name,
      placement,
      inputs: diffs.map((d) => ({ ...d, forcesReplacement: forced.has(d.path) })),
    };
    if (forcing === undefined && !isComponent) change.replacementUnknown = true;
    if (kind === "replace" && REPLACEMENT_TABLE[r.type]?.note) change.note = REPLACEMENT_TABLE[r.type].note;
    if (kind === "replace" && STATEFUL_TYPES[r.type]) change.stateful = STATEFUL_TYPES[r.type];
    changes.push(change);
  }
  for (const r of base.resources) {
    if (after.has(key(r.urn))) continue;
    const change: ResourceChange = { kind: "remove", urn: r.urn, type: r.type, name: r.name, placement: placedBefore.get(r.urn)!, inputs: [] };
    if (STATEFUL_TYPES[r.type]) change.stateful = STATEFUL_TYPES[r.type];
    changes.push(change);
  }

  const vb = new Set((base.policy?.violations ?? []).map(violationKey));
  const vh = new Set((head.policy?.violations ?? []).map(violationKey));
  const policy: PolicyDelta = {
    added: (head.policy?.violations ?? []).filter((v) => !vb.has(violationKey(v))),
    removed: (base.policy?.violations ?? []).filter((v) => !vh.has(violationKey(v))),
  };

  const ordered = sortChanges(changes);
  const diff: PlanDiff = {
    base: { label: labels.base, stack: base.stack, resources: base.resources.length },
    head: { label: labels.head, stack: head.stack, resources: head.resources.length },
    summary: {
      add: ordered.filter((c) => c.kind === "add").length,
      change: ordered.filter((c) => c.kind === "update" || c.kind === "replace").length,
      remove: ordered.filter((c) => c.kind === "remove").length,
      replace: ordered.filter((c) => c.kind === "replace").length,
    },
    changes: ordered,
    policy,
  };
  if (base.verify || head.verify) diff.verify = verifyDelta(base.verify, head.verify);
  return diff;
}

const KIND_ORDER: Record<Placement["kind"], number> = { region: 0, site: 1, global: 2 };

function sortChanges(changes: ResourceChange[]): ResourceChange[] {
  return [...changes].sort(
    (a, b) =>
      KIND_ORDER[a.placement.kind] - KIND_ORDER[b.placement.kind] ||
      a.placement.name.localeCompare(b.placement.name) ||
      a.placement.component.localeCompare(b.placement.component) ||
      a.type.localeCompare(b.type) ||
      a.name.localeCompare(b.name),
  );
}

/** `+N ~M -K (R replacements)`. */
export function summaryLine(diff: PlanDiff): string {
  const s = diff.summary;
  return `+${s.add} ~${s.change} -${s.remove} (${s.replace} replacement${s.replace === 1 ? "" : "s"})`;
}

function show(v: unknown): string {
  if (v === undefined) return "(none)";
  const text = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const MARK: Record<ChangeKind, string> = { add: "+", remove: "-", update: "~", replace: "+-" };

/** The human diff; `extra` lines (the cost delta) come before the summary line, which is last. */
export function renderDiff(diff: PlanDiff, extra: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push(`plan diff: ${diff.base.label} (${diff.base.resources} resources) → ${diff.head.label} (${diff.head.resources} resources), stack ${diff.head.stack}`);
  if (diff.changes.length === 0) lines.push("", "no resource changes");
  let group = "";
  let component = "";
  for (const c of diff.changes) {
    const g = c.placement.kind === "global" ? "== global" : `== ${c.placement.kind} ${c.placement.name}`;
    if (g !== group) {
      lines.push("", g);
      group = g;
      component = "";
    }
    if (c.placement.component !== component) {
      lines.push(`  ${c.placement.component}`);
      component = c.placement.component;
    }
    const tags = [
      c.kind === "replace" ? `REPLACE (${c.inputs.filter((i) => i.forcesReplacement).map((i) => i.path).join(", ")})` : "",
      c.replacementUnknown ? "(type not in the replacement table: may replace)" : "",
      c.stateful ? `! ${c.kind === "remove" ? "deletes" : "replaces"} a stateful/shared resource: ${c.stateful}` : "",
    ].filter((t) => t !== "");
    lines.push(`    ${MARK[c.kind]} ${shortType(c.type)} ${c.name}${tags.length > 0 ? `  ${tags.join("  ")}` : ""}`);
    if (c.note) lines.push(`        (${c.note})`);
    for (const i of c.inputs) {
      lines.push(`        ${i.path}: ${show(i.old)} → ${show(i.new)}${i.forcesReplacement ? "  [forces replacement]" : ""}`);
    }
  }
  lines.push("");
  if (diff.policy.added.length === 0 && diff.policy.removed.length === 0) lines.push("policy: no change in violations");
  else {
    lines.push(`policy: ${diff.policy.added.length} new violation(s), ${diff.policy.removed.length} resolved`);
    for (const v of diff.policy.added) lines.push(`  + [${v.level}] ${v.rule}: ${v.urn.split("::").pop()}: ${v.message}`);
    for (const v of diff.policy.removed) lines.push(`  - [${v.level}] ${v.rule}: ${v.urn.split("::").pop()}: ${v.message}`);
  }
  if (diff.verify) {
    const changed = diff.verify.checks.filter((c) => c.added.length > 0 || c.removed.length > 0);
    lines.push(`verify: ${changed.length === 0 ? "no change in failures" : `${changed.length} check(s) changed`}`);
    for (const c of changed) {
      for (const f of c.added) lines.push(`  + ${c.check}: ${f.urn.split("::").pop()}: ${f.message}`);
      for (const f of c.removed) lines.push(`  - ${c.check}: ${f.urn.split("::").pop()}: ${f.message}`);
    }
  }
  lines.push(...extra);
  lines.push("", summaryLine(diff));
  return lines.join("\n");
}
