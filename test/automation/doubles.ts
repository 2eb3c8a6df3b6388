/**
 * Test doubles for the rollout's interfaces: a FleetStack that keeps its config in memory (changed
 * and validated exactly like the real one) and records every call, a HealthChecker that answers
 * from a script and records every target it was asked about, and a clock that only moves when
 * something sleeps.
 */
import * as path from "path";
import type { Clock } from "../../automation/clock";
import { type ConfigChange, type RawConfig, applyConfigChanges } from "../../automation/config-edit";
import { ConfigInvalidError } from "../../automation/errors";
import type { FleetStack, OperationOptions, OperationResult, StackOutputs } from "../../automation/fleet-stack";
import type { HealthCheck, HealthChecker, HealthOutputs, HealthReport, HealthTarget } from "../../automation/health";
import { imageOf } from "../../automation/rollout";
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
  /** `images`: the effective image of the watched service in every region/site, as deployed by this up. */
  | { op: "up"; images: Record<string, string> }
  | { op: "outputs" };

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

export class RecordingStack implements FleetStack {
  readonly name: string;
  readonly project = "ecs-fleet";
  readonly calls: StackCall[] = [];
  /** Makes the n-th `up` (1-based) fail with the returned error, if any. */
  failUp: (n: number, config: FleetConfig) => Error | undefined = () => undefined;
  private ups = 0;

  constructor(
    public raw: RawConfig,
    /** Service whose per-region images each `up` records. */
    private readonly watch: string,
    stack = "staging",
  ) {
    this.name = stack;
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
    this.calls.push({ op: "getConfig" });
    return this.config;
  }

  async setConfig(changes: readonly ConfigChange[]): Promise<FleetConfig> {
    this.calls.push({ op: "setConfig", changes: [...changes] });
    const next = applyConfigChanges(this.raw, changes, this.project);
    const config = this.validate(next);
    this.raw = next;
    return config;
  }

  async up(_options?: OperationOptions): Promise<OperationResult> {
    const config = this.config;
    const svc = config.services[this.watch];
    const keys = svc.regions ?? Object.keys(config.regions);
    const images = Object.fromEntries(keys.map((k) => [k, imageOf(svc, k)]));
    this.calls.push({ op: "up", images });
    const err = this.failUp(++this.ups, config);
    if (err) throw err;
    return { operation: "up", stack: this.name, changes: { update: 1 }, changesByRegion: {}, durationMs: 0, attempts: 1, outputs: outputsFor(config) };
  }

  async outputs(): Promise<StackOutputs> {
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
