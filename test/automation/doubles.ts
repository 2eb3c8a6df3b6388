/**
 * Test doubles for the rollout's interfaces: a FleetStack that keeps its config in memory (changed
 * and validated exactly like the real one) and records every call, a HealthChecker that answers
 * from a script and records every target it was asked about, and a clock that only moves when
 * something sleeps.
 */
import * as path from "path";
import { createHash } from "crypto";
import type { Clock } from "../../automation/clock";
import { type ImageResolver, type ResolvedImage, parseImageRef } from "../../automation/digest";
import type { FleetEvent } from "../../automation/events";
import { type ConfigChange, type RawConfig, applyConfigChanges } from "../../automation/config-edit";
import { ConfigInvalidError } from "../../automation/errors";
import type { FleetStack, OperationOptions, OperationResult, StackOutputs } from "../../automation/fleet-stack";
import type { CallerIdentity, HealthCheck, HealthChecker, HealthOutputs, HealthReport, HealthTarget, IdentityChecker } from "../../automation/health";
import { type RolloutStack, imageOf } from "../../automation/rollout";
import type { FleetConfig } from "../../stacks/schema";
import { validateConfig } from "../../stacks/validate";
import { readStackFile } from "../../offline/stack-file";

export const FIXTURE_PROJECT = path.join(__dirname, "fixtures", "project");

/** The raw config of a fixture stack (`test/automation/fixtures/project/Pulumi.<stack>.yaml`). */
export function fixtureRaw(stack: string): RawConfig {
  return readStackFile(path.join(FIXTURE_PROJECT, `Pulumi.${stack}.yaml`), stack).raw;
}

export const T0 = new Date("2026-11-24T06:00:00Z");

/** Time moves only when something sleeps. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

export type StackCall =
  | { op: "getConfig" }
  | { op: "setConfig"; changes: ConfigChange[] }
  /**
   * `images`: the effective image of the watched service in every region/site per the config at
   * this up; `target`: the URNs it was limited to.
   */
  | { op: "up"; images: Record<string, string>; target?: string[] }
  | { op: "preview"; target?: string[] }
  | { op: "outputs" };

/** What a "crashed" process's stack answers from then on. */
export class CrashError extends Error {
  constructor() {
    super("the process was killed");
    this.name = "CrashError";
  }
}

/** A pending change the preview reports besides the watched service (drift, other config). */
export interface PendingChange {
  urn: string;
  type: string;
  op: "create" | "update" | "delete" | "replace";
  region: string | null;
  component: string | null;
  componentType: string | null;
}

/** Stack outputs where every region runs every service with one alarm. */
export function outputsFor(config: FleetConfig): StackOutputs {
  const regions: Record<string, unknown> = {};
  for (const r of Object.keys(config.regions)) {
    const services: Record<string, unknown> = {};
    for (const s of Object.keys(config.services)) services[s] = { serviceName: `${s}-${r}`, alarms: [`${s}-${r}-5xx`] };
    regions[r] = { vpcId: `vpc-${r}`, clusterName: `fleet-${r}`, clusterArn: `arn:aws:ecs:${r}:123456789012:cluster/fleet-${r}`, services };
  }
  return { regions } as unknown as StackOutputs;
}

export class RecordingStack implements FleetStack, RolloutStack {
  readonly name: string;
  readonly project = "ecs-fleet";
  readonly calls: StackCall[] = [];
  /** Makes the n-th `up` (1-based) fail with the returned error, if any. */
  failUp: (n: number, config: FleetConfig) => Error | undefined = () => undefined;
  /** Stack tags (the journal and the lease). */
  tags: Record<string, string> = {};
  readonly tagCalls: Array<{ op: "list" | "set" | "remove"; key?: string; value?: string }> = [];
  /** The watched service's image per region/site as the last up deployed it (initially: the config's). */
  deployed: Record<string, string>;
  /** Changes the preview reports besides the watched service's. */
  pending: PendingChange[] = [];
  /** Once it returns true for a call (after the call took effect), every later call throws CrashError. */
  crashAfter?: (call: StackCall | { op: "setTag"; key: string }) => boolean;
  private crashed = false;
  private ups = 0;

  constructor(
    public raw: RawConfig,
    /** Service whose per-region images each `up` records. */
    private readonly watch: string,
    stack = "staging",
  ) {
    this.name = stack;
    this.deployed = this.images(this.config);
  }

  /** Back to life after a crash (the next run of the tool). */
  revive(): void {
    this.crashed = false;
    this.crashAfter = undefined;
  }

  private alive(): void {
    if (this.crashed) throw new CrashError();
  }

  private after(call: StackCall | { op: "setTag"; key: string }): void {
    if (this.crashAfter?.(call)) this.crashed = true;
  }

  private keys(config: FleetConfig): string[] {
    const svc = config.services[this.watch];
    return [...(svc.regions ?? Object.keys(config.regions)), ...((svc as { sites?: string[] }).sites ?? [])];
  }

  private images(config: FleetConfig): Record<string, string> {
    const svc = config.services[this.watch];
    return Object.fromEntries(this.keys(config).map((k) => [k, imageOf(svc, k)]));
  }

  private isSite(config: FleetConfig, key: string): boolean {
    return !(key in config.regions);
  }

  /** URN of the component a region or site lives in. */
  componentUrn(key: string): string {
    const site = this.isSite(this.config, key);
    return `urn:pulumi:${this.name}::${this.project}::${site ? "ecs-fleet:onprem:OnPremSite" : "ecs-fleet:region:RegionalFootprint"}::${site ? `site-${key}` : key}`;
  }

  /** The events a preview of the current config emits: each component, its service, pending changes. */
  private previewEvents(planning = true): FleetEvent[] {
    const config = this.config;
    const events: FleetEvent[] = [];
    const images = this.images(config);
    let seq = 0;
    const ev = (urn: string, type: string, name: string, op: PendingChange["op"] | "same", region: string | null, component: string | null, componentType: string | null): void => {
      events.push({ kind: "resource-started", urn, type, name, op, region, component, componentType, planning, sequence: seq++, timestamp: 0 });
      events.push({ kind: "resource-finished", urn, type, name, op, region, component, componentType, planning, sequence: seq++, timestamp: 0 });
    };
    ev(`urn:pulumi:${this.name}::${this.project}::pulumi:pulumi:Stack::${this.project}-${this.name}`, "pulumi:pulumi:Stack", `${this.project}-${this.name}`, "same", null, null, null);
    const all = [...Object.keys(config.regions), ...Object.keys((config as { sites?: Record<string, unknown> }).sites ?? {})];
    for (const key of all) {
      const site = this.isSite(config, key);
      const ctype = site ? "ecs-fleet:onprem:OnPremSite" : "ecs-fleet:region:RegionalFootprint";
      const cname = site ? `site-${key}` : key;
      const region = site ? ((config as { sites?: Record<string, { region: string }> }).sites?.[key]?.region ?? null) : key;
      ev(this.componentUrn(key), ctype, cname, "same", region, cname, ctype);
      if (key in images) {
        const op = images[key] === this.deployed[key] ? "same" : "update";
        ev(`urn:pulumi:${this.name}::${this.project}::${ctype}$aws:ecs/service:Service::${this.watch}-${key}`, "aws:ecs/service:Service", `${this.watch}-${key}`, op, region, cname, ctype);
      }
    }
    for (const p of this.pending) ev(p.urn, p.type, p.urn.split("::").pop()!, p.op, p.region, p.component, p.componentType);
    return events;
  }

  async preview(options?: OperationOptions): Promise<OperationResult> {
    this.alive();
    const call: StackCall = { op: "preview", ...(options?.target ? { target: [...options.target] } : {}) };
    this.calls.push(call);
    const events = this.previewEvents();
    for (const e of events) options?.onEvent?.(e);
    const changes: Record<string, number> = {};
    for (const e of events) if (e.kind === "resource-finished") changes[e.op] = (changes[e.op] ?? 0) + 1;
    this.after(call);
    return { operation: "preview", stack: this.name, changes, changesByRegion: {}, durationMs: 0, attempts: 1 };
  }

  async listTags(): Promise<Record<string, string>> {
    this.alive();
    this.tagCalls.push({ op: "list" });
    return { ...this.tags };
  }

  async setTag(key: string, value: string): Promise<void> {
    this.alive();
    this.tagCalls.push({ op: "set", key, value });
    this.tags[key] = value;
    this.after({ op: "setTag", key });
  }

  async removeTag(key: string): Promise<void> {
    this.alive();
    this.tagCalls.push({ op: "remove", key });
    delete this.tags[key];
  }

  private validate(raw: RawConfig): FleetConfig {
    const r = validateConfig(raw, { stack: this.name, project: this.project, now: T0 });
    if (!r.ok) throw new ConfigInvalidError(this.name, r.issues);
    return r.config;
  }

  /** The config as it is now. */
  get config(): FleetConfig {
    return this.validate(this.raw);
  }

  async getConfig(): Promise<FleetConfig> {
    this.alive();
    this.calls.push({ op: "getConfig" });
    return this.config;
  }

  async setConfig(changes: readonly ConfigChange[]): Promise<FleetConfig> {
    this.alive();
    const call: StackCall = { op: "setConfig", changes: [...changes] };
    this.calls.push(call);
    const next = applyConfigChanges(this.raw, changes, this.project);
    const config = this.validate(next);
    this.raw = next;
    this.after(call);
    return config;
  }

  async up(options?: OperationOptions): Promise<OperationResult> {
    this.alive();
    const config = this.config;
    const svc = config.services[this.watch];
    const keys = svc.regions ?? Object.keys(config.regions);
    const images = Object.fromEntries(keys.map((k) => [k, imageOf(svc, k)]));
    const call: StackCall = { op: "up", images, ...(options?.target ? { target: [...options.target] } : {}) };
    this.calls.push(call);
    const err = this.failUp(++this.ups, config);
    if (err) throw err;
    for (const e of this.previewEvents(false)) {
      const component = e.kind === "resource-started" || e.kind === "resource-finished" ? e.component : null;
      const inTarget = !options?.target || options.target.some((t) => t.split("::").pop() === component);
      if (inTarget) options?.onEvent?.(e);
    }
    // Only the targeted components change (all of them without a target).
    const now = this.images(config);
    for (const k of Object.keys(now)) if (!options?.target || options.target.includes(this.componentUrn(k))) this.deployed[k] = now[k];
    if (!options?.target) this.pending = [];
    this.after(call);
    return { operation: "up", stack: this.name, changes: { update: 1 }, changesByRegion: {}, durationMs: 0, attempts: 1, outputs: outputsFor(config) };
  }

  async outputs(): Promise<StackOutputs> {
    this.alive();
    this.calls.push({ op: "outputs" });
    return outputsFor(this.config);
  }

  /** The calls' ops, e.g. `["getConfig", "setConfig", "up"]`. */
  get ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  get upImages(): Record<string, string>[] {
    return this.calls.flatMap((c) => (c.op === "up" ? [c.images] : []));
  }
}

export function report(target: HealthTarget, failing: Array<Partial<HealthCheck> & { name: HealthCheck["name"] }> = []): HealthReport {
  const checks: HealthCheck[] = (["service", "deployment", "image", "running-count", "alarms"] as const).map((name) => {
    const f = failing.find((x) => x.name === name);
    return f ? { ok: false, detail: `${name} failing`, ...f } : { name, ok: true, detail: `${name} ok` };
  });
  return { target, healthy: failing.length === 0, checks };
}

/** Answers `respond(target, n)` (n = how many times this target was asked before), records every ask. */
export class RecordingHealth implements HealthChecker {
  readonly calls: Array<{ target: HealthTarget; outputs: HealthOutputs }> = [];
  constructor(public respond: (target: HealthTarget, n: number) => HealthReport = (t) => report(t)) {}
  async check(target: HealthTarget, outputs: HealthOutputs): Promise<HealthReport> {
    const n = this.calls.filter((c) => c.target.key === target.key).length;
    this.calls.push({ target, outputs });
    return this.respond(target, n);
  }
  /** Target keys in the order they were checked, without repeats. */
  get keys(): string[] {
    return [...new Set(this.calls.map((c) => c.target.key))];
  }
}

/** The digest the test resolver pins `image` to: sha256 of the reference. */
export function digestOf(image: string): string {
  return `sha256:${createHash("sha256").update(image).digest("hex")}`;
}

/** `registry.example.com/web:2.0` -> `registry.example.com/web@sha256:…` (as FakeResolver pins it). */
export function pinned(image: string): string {
  return `${parseImageRef(image).name}@${digestOf(image)}`;
}

/** Pins every well-formed reference (parseImageRef) to `digestOf(image)`; `tags` moves a tag. */
export class FakeResolver implements ImageResolver {
  readonly calls: string[] = [];
  async resolve(image: string): Promise<ResolvedImage> {
    this.calls.push(image);
    const ref = parseImageRef(image);
    const digest = ref.digest ?? digestOf(image);
    return { requested: image, image: `${ref.name}@${digest}`, digest, via: "registry" };
  }
}

/** Caller identity from a script: `fail(region, n)` returns an error to throw. */
export class FakeIdentity implements IdentityChecker {
  readonly calls: string[] = [];
  constructor(public fail: (region: string, n: number) => Error | undefined = () => undefined) {}
  async callerIdentity(region: string): Promise<CallerIdentity> {
    const n = this.calls.filter((r) => r === region).length;
    this.calls.push(region);
    const err = this.fail(region, n);
    if (err) throw err;
    return { account: "123456789012", arn: "arn:aws:iam::123456789012:user/ops" };
  }
}
