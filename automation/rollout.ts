/**
 * Region-by-region rollout of a new image for one service.
 *
 * Waves come from `ecs-fleet:rollout.waves` (default: one region per wave, in config order), keeping
 * only the regions the service runs in; regions the configured waves leave out follow, one per wave;
 * the service's on-prem sites form the last wave. For each wave:
 *   1. set `services.<svc>.overrides.<region or site>.image` for the wave's targets (validated first),
 *   2. `up`,
 *   3. wait until every target is healthy (./health), failing fast on what cannot heal by itself,
 *   4. bake: keep checking for `bakeMinutes`, then a last full check,
 * and go on. When every wave is done the image moves into the service's base `image`, the overrides
 * it made go away, and a final `up` runs. A failed wave stops the rollout: later waves are never
 * touched, and (unless `rollback: false`) the wave's targets are put back on the image they ran
 * before, with one more `up`.
 *
 * Everything is driven by config, so a rollout can be resumed: waves whose targets already run the
 * new image are skipped.
 *
 * `planRollout` is pure (it also serves `--dry-run`); `runRollout` talks only to the FleetStack and
 * HealthChecker interfaces and waits only through the injected clock.
 */
import { type Clock, systemClock } from "./clock";
import { type ConfigChange, describeChange } from "./config-edit";
import { FleetError } from "./errors";
import type { FleetEvent } from "./events";
import type { FleetStack, OperationResult, StackOutputs } from "./fleet-stack";
import { type HealthChecker, type HealthReport, type HealthTarget, describeChecks } from "./health";
import type { FleetConfig } from "../stacks/schema";

type ServiceConfig = FleetConfig["services"][string];

/** Default bake time when the config sets none. */
export const DEFAULT_BAKE_MINUTES = 10;

/** A rollout that cannot be planned (unknown service, a site the config does not define). */
export class RolloutPlanError extends FleetError {}

/** One place a service runs: a region or an on-prem site. */
export interface RolloutTarget {
  kind: "region" | "site";
  /** Region key or site key (the key of `overrides`). */
  key: string;
  /** AWS region (a site's home region for sites). */
  region: string;
}

export interface PlannedWave {
  /** 1-based. */
  index: number;
  targets: RolloutTarget[];
  /** Image each target runs now, by target key. */
  currentImages: Record<string, string>;
  /** Every target already runs the new image: a resumed rollout skips the wave. */
  done: boolean;
  /** The config change that moves the wave (empty when done). */
  changes: ConfigChange[];
}

export interface RolloutPlan {
  stack: string;
  project: string;
  service: string;
  image: string;
  bakeMinutes: number;
  waves: PlannedWave[];
  /** After the last wave: base image set, overrides dropped. */
  promote: ConfigChange[];
  /** Things the operator should know (e.g. regions the configured waves leave out). */
  notes: string[];
}

const SERVICES_KEY = "services";

function overrideImage(svc: ServiceConfig, key: string): string | undefined {
  return svc.overrides?.[key]?.image;
}

/** Image a target runs according to the config. */
export function imageOf(svc: ServiceConfig, key: string): string {
  return overrideImage(svc, key) ?? svc.image;
}

/** Sets the image override of one target (mutates `svc`, a working copy). */
function setOverride(svc: ServiceConfig, service: string, key: string, image: string): ConfigChange[] {
  const overrides = (svc.overrides ??= {});
  overrides[key] = { ...(overrides[key] ?? {}), image };
  return [{ op: "set", key: SERVICES_KEY, path: [service, "overrides", key, "image"], value: image }];
}

/**
 * Removes the image override of one target, and the override entry or the whole `overrides` map
 * when nothing else is left in them (mutates `svc`, a working copy).
 */
function dropOverride(svc: ServiceConfig, service: string, key: string): ConfigChange[] {
  const entry = svc.overrides?.[key];
  if (!svc.overrides || !entry || entry.image === undefined) return [];
  const { image: _image, ...rest } = entry;
  if (Object.keys(rest).length > 0) {
    svc.overrides[key] = rest;
    return [{ op: "remove", key: SERVICES_KEY, path: [service, "overrides", key, "image"] }];
  }
  delete svc.overrides[key];
  if (Object.keys(svc.overrides).length > 0) {
    return [{ op: "remove", key: SERVICES_KEY, path: [service, "overrides", key] }];
  }
  delete svc.overrides;
  return [{ op: "remove", key: SERVICES_KEY, path: [service, "overrides"] }];
}

/** Regions the service runs in, in config order. */
export function serviceRegions(config: FleetConfig, svc: ServiceConfig): string[] {
  const all = Object.keys(config.regions);
  return svc.regions ? all.filter((r) => svc.regions!.includes(r)) : all;
}

/**
 * Sites the service runs on. On-prem sites are read structurally (`services.<svc>.sites`,
 * `sites.<site>.region`), so the rollout works the same before and after the schema has them.
 */
export function serviceSites(svc: ServiceConfig): string[] {
  return (svc as { sites?: string[] }).sites ?? [];
}

function siteRegion(config: FleetConfig, site: string): string | undefined {
  return (config as { sites?: Record<string, { region: string }> }).sites?.[site]?.region;
}

/** Changes that move `targets` to `image`, against `svc` (mutated: pass a working copy). */
function moveTargets(svc: ServiceConfig, service: string, targets: readonly RolloutTarget[], image: string): ConfigChange[] {
  return targets.filter((t) => imageOf(svc, t.key) !== image).flatMap((t) => setOverride(svc, service, t.key, image));
}

/** Changes that make `image` the base image and drop the overrides now equal to it. */
function promoteChanges(svc: ServiceConfig, service: string, targets: readonly RolloutTarget[], image: string): ConfigChange[] {
  const changes: ConfigChange[] = [];
  if (svc.image !== image) {
    svc.image = image;
    changes.push({ op: "set", key: SERVICES_KEY, path: [service, "image"], value: image });
  }
  for (const t of targets) if (overrideImage(svc, t.key) === image) changes.push(...dropOverride(svc, service, t.key));
  return changes;
}

/**
 * Changes that put targets back on the images they ran before: their earlier override, or none
 * when they ran the base image.
 */
function restoreChanges(
  svc: ServiceConfig,
  service: string,
  before: ReadonlyArray<{ key: string; override: string | undefined }>,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const b of before) {
    if (b.override !== undefined) {
      if (overrideImage(svc, b.key) !== b.override) changes.push(...setOverride(svc, service, b.key, b.override));
    } else {
      changes.push(...dropOverride(svc, service, b.key));
    }
  }
  return changes;
}

/** Plans the rollout of `image` for `service` from a validated config. Pure. */
export function planRollout(
  config: FleetConfig,
  args: { stack: string; project: string; service: string; image: string; bakeMinutes?: number },
): RolloutPlan {
  const { service, image } = args;
  const svc0 = config.services[service];
  if (!svc0) {
    const known = Object.keys(config.services);
    throw new RolloutPlanError(`unknown service ${service}; the stack ${args.stack} has ${known.length ? known.join(", ") : "no services"}`);
  }
  const regions = serviceRegions(config, svc0);
  const notes: string[] = [];

  const regionWaves: string[][] = [];
  const placed = new Set<string>();
  const configured = config.rollout?.waves;
  if (configured) {
    for (const wave of configured) {
      const kept = wave.filter((r) => regions.includes(r) && !placed.has(r));
      kept.forEach((r) => placed.add(r));
      if (kept.length > 0) regionWaves.push(kept);
    }
    const left = regions.filter((r) => !placed.has(r));
    if (left.length > 0) notes.push(`not in ${args.project}:rollout.waves, rolled out one per wave after them: ${left.join(", ")}`);
    left.forEach((r) => regionWaves.push([r]));
  } else {
    regions.forEach((r) => regionWaves.push([r]));
  }
  const targetWaves: RolloutTarget[][] = regionWaves.map((w) => w.map((r) => ({ kind: "region" as const, key: r, region: r })));
  const sites = serviceSites(svc0);
  if (sites.length > 0) {
    targetWaves.push(
      sites.map((s) => {
        const region = siteRegion(config, s);
        if (!region) throw new RolloutPlanError(`service ${service} names site ${s}, which ${args.project}:sites does not define`);
        return { kind: "site" as const, key: s, region };
      }),
    );
  }

  const svc = structuredClone(svc0);
  const waves: PlannedWave[] = targetWaves.map((targets, i) => {
    const currentImages = Object.fromEntries(targets.map((t) => [t.key, imageOf(svc, t.key)]));
    const changes = moveTargets(svc, service, targets, image);
    return { index: i + 1, targets, currentImages, done: changes.length === 0, changes };
  });
  const promote = promoteChanges(svc, service, targetWaves.flat(), image);
  return {
    stack: args.stack,
    project: args.project,
    service,
    image,
    bakeMinutes: args.bakeMinutes ?? config.rollout?.bakeMinutes ?? DEFAULT_BAKE_MINUTES,
    waves,
    promote,
    notes,
  };
}

function healthTarget(t: RolloutTarget, service: string, image: string): HealthTarget {
  return { kind: t.kind, key: t.key, region: t.region, service, image };
}

/** The plan in words, as `--dry-run` prints it. */
export function describePlan(plan: RolloutPlan): string[] {
  const lines: string[] = [];
  lines.push(`Rollout of service ${plan.service} to ${plan.image} on stack ${plan.stack}: ${plan.waves.length} wave(s), bake ${plan.bakeMinutes} min each`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  for (const w of plan.waves) {
    const names = w.targets.map((t) => (t.kind === "site" ? `site ${t.key}` : t.key)).join(", ");
    lines.push("");
    lines.push(`Wave ${w.index}: ${names}${w.done ? " (already on the new image: skipped)" : ""}`);
    for (const t of w.targets) lines.push(`  ${t.key}: ${w.currentImages[t.key]} -> ${plan.image}`);
    if (w.done) continue;
    lines.push("  config:");
    for (const c of w.changes) lines.push(`    ${describeChange(c, plan.project)}`);
    lines.push("  then: up, and check:");
    for (const t of w.targets) {
      for (const c of describeChecks(healthTarget(t, plan.service, plan.image))) lines.push(`    - ${c}`);
    }
    lines.push(`  bake ${plan.bakeMinutes} min (checks repeated), then a last check`);
    const back = w.targets
      .filter((t) => w.currentImages[t.key] !== plan.image)
      .map((t) => `${t.key} back to ${w.currentImages[t.key]}`)
      .join(", ");
    lines.push(`  on failure: stop; ${back}; up (unless --no-rollback)`);
  }
  lines.push("");
  lines.push("Finally:");
  lines.push("  config:");
  if (plan.promote.length === 0) lines.push("    (no change)");
  for (const c of plan.promote) lines.push(`    ${describeChange(c, plan.project)}`);
  lines.push("  then: up");
  return lines;
}

/** What happened to one wave. */
export interface WaveOutcome {
  index: number;
  targets: string[];
  status: "skipped" | "succeeded" | "failed" | "not-started";
  /** Config changes written for the wave. */
  changes: ConfigChange[];
  up?: OperationResult;
  /** The last health reports of the wave's targets. */
  health?: HealthReport[];
  /** Why the wave failed. */
  reason?: string;
}

export interface RollbackOutcome {
  status: "rolled-back" | "failed" | "not-requested";
  changes: ConfigChange[];
  up?: OperationResult;
  error?: string;
}

export interface RolloutResult {
  stack: string;
  service: string;
  image: string;
  status: "completed" | "failed";
  waves: WaveOutcome[];
  /** Index of the failed wave. */
  failedWave?: number;
  rollback?: RollbackOutcome;
  /** Config changes of the final step, when reached. */
  promoted?: ConfigChange[];
  finalUp?: OperationResult;
  durationMs: number;
}

/** Progress of a rollout, for displays. */
export type RolloutEvent =
  | { kind: "planned"; plan: RolloutPlan }
  | { kind: "wave-skipped"; wave: number; targets: string[] }
  | { kind: "wave-started"; wave: number; targets: string[] }
  | { kind: "config-written"; wave: number | null; changes: ConfigChange[] }
  | { kind: "up-started"; wave: number | null }
  | { kind: "up-finished"; wave: number | null; result: OperationResult }
  | { kind: "health"; wave: number; phase: "settle" | "bake" | "final"; reports: HealthReport[] }
  | { kind: "baking"; wave: number; minutes: number }
  | { kind: "wave-succeeded"; wave: number }
  | { kind: "wave-failed"; wave: number; reason: string }
  | { kind: "rollback-started"; wave: number; changes: ConfigChange[] }
  | { kind: "rollback-finished"; wave: number; outcome: RollbackOutcome }
  | { kind: "promoted"; changes: ConfigChange[] };

export interface RolloutOptions {
  service: string;
  image: string;
  /** Put a failed wave's targets back on their previous image. Default true. */
  rollback?: boolean;
  /** Overrides the config's `rollout.bakeMinutes`. */
  bakeMinutes?: number;
  /** How long a wave may take to become healthy after `up`. Default 15 minutes. */
  healthTimeoutMinutes?: number;
  /** Pause between health checks while settling and baking. Default 30 seconds. */
  pollIntervalSeconds?: number;
  onProgress?: (event: RolloutEvent) => void;
  /** Engine events of every `up`. */
  onEvent?: (event: FleetEvent) => void;
}

export interface RolloutDeps {
  stack: FleetStack;
  health: HealthChecker;
  /** Default the system clock. */
  clock?: Clock;
}

class WaveFailure extends Error {
  constructor(
    message: string,
    readonly reports?: HealthReport[],
  ) {
    super(message);
  }
}

function unhealthySummary(reports: HealthReport[]): string {
  return reports
    .filter((r) => !r.healthy)
    .map((r) => `${r.target.key}: ${r.checks.filter((c) => !c.ok).map((c) => c.detail).join("; ")}`)
    .join(" | ");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs the rollout. Resolves with the outcome (status `failed` for a failed wave); rejects only when
 * nothing was deployed: invalid config (ConfigInvalidError), unknown service (RolloutPlanError),
 * or errors reading the stack.
 */
export async function runRollout(deps: RolloutDeps, options: RolloutOptions): Promise<RolloutResult> {
  const clock = deps.clock ?? systemClock;
  const { stack, health } = deps;
  const { service, image } = options;
  const emit = (e: RolloutEvent): void => options.onProgress?.(e);
  const started = clock.now().getTime();
  const pollMs = (options.pollIntervalSeconds ?? 30) * 1000;
  const timeoutMs = (options.healthTimeoutMinutes ?? 15) * 60_000;

  let config = await stack.getConfig();
  const plan = planRollout(config, { stack: stack.name, project: stack.project, service, image, bakeMinutes: options.bakeMinutes });
  emit({ kind: "planned", plan });
  const bakeMs = plan.bakeMinutes * 60_000;
  const outcomes: WaveOutcome[] = plan.waves.map((w) => ({
    index: w.index,
    targets: w.targets.map((t) => t.key),
    status: w.done ? "skipped" : "not-started",
    changes: [],
  }));
  const result = (extra: Partial<RolloutResult> & { status: RolloutResult["status"] }): RolloutResult => ({
    stack: stack.name,
    service,
    image,
    waves: outcomes,
    durationMs: clock.now().getTime() - started,
    ...extra,
  });

  const up = async (wave: number | null, step: string): Promise<OperationResult> => {
    emit({ kind: "up-started", wave });
    const r = await stack.up({ onEvent: options.onEvent, message: `rollout of ${service} to ${image}: ${step}` });
    emit({ kind: "up-finished", wave, result: r });
    return r;
  };

  const checkAll = async (targets: HealthTarget[], outputs: StackOutputs): Promise<HealthReport[]> => {
    const reports: HealthReport[] = [];
    for (const t of targets) reports.push(await health.check(t, outputs));
    return reports;
  };

  /** Health after `up`: poll until healthy; fail at once on what cannot heal by itself. */
  const settle = async (wave: number, targets: HealthTarget[], outputs: StackOutputs): Promise<HealthReport[]> => {
    const deadline = clock.now().getTime() + timeoutMs;
    for (;;) {
      const reports = await checkAll(targets, outputs);
      emit({ kind: "health", wave, phase: "settle", reports });
      if (reports.every((r) => r.healthy)) return reports;
      const hopeless = reports.some((r) => r.checks.some((c) => !c.ok && !c.settling));
      if (hopeless) throw new WaveFailure(`unhealthy after up: ${unhealthySummary(reports)}`, reports);
      const now = clock.now().getTime();
      if (now >= deadline) {
        throw new WaveFailure(`not healthy within ${options.healthTimeoutMinutes ?? 15} min: ${unhealthySummary(reports)}`, reports);
      }
      await clock.sleep(Math.min(pollMs, deadline - now));
    }
  };

  /** Bake: keep checking; anything that cannot heal by itself fails the wave; the last check must be clean. */
  const bake = async (wave: number, targets: HealthTarget[], outputs: StackOutputs): Promise<HealthReport[]> => {
    emit({ kind: "baking", wave, minutes: plan.bakeMinutes });
    const end = clock.now().getTime() + bakeMs;
    for (let now = clock.now().getTime(); now < end; now = clock.now().getTime()) {
      await clock.sleep(Math.min(pollMs, end - now));
      if (clock.now().getTime() >= end) break;
      const reports = await checkAll(targets, outputs);
      emit({ kind: "health", wave, phase: "bake", reports });
      if (reports.some((r) => r.checks.some((c) => !c.ok && !c.settling))) {
        throw new WaveFailure(`unhealthy while baking: ${unhealthySummary(reports)}`, reports);
      }
    }
    const reports = await checkAll(targets, outputs);
    emit({ kind: "health", wave, phase: "final", reports });
    if (!reports.every((r) => r.healthy)) throw new WaveFailure(`unhealthy after baking: ${unhealthySummary(reports)}`, reports);
    return reports;
  };

  for (const planned of plan.waves) {
    const outcome = outcomes[planned.index - 1];
    const keys = planned.targets.map((t) => t.key);
    // The config is the rollout's state: targets already on the image (a resumed rollout) are left alone.
    const svcNow = structuredClone(config.services[service]);
    const pending = planned.targets.filter((t) => imageOf(svcNow, t.key) !== image);
    if (pending.length === 0) {
      outcome.status = "skipped";
      emit({ kind: "wave-skipped", wave: planned.index, targets: keys });
      continue;
    }
    emit({ kind: "wave-started", wave: planned.index, targets: keys });
    const before = pending.map((t) => ({ key: t.key, override: overrideImage(svcNow, t.key) }));
    const changes = moveTargets(svcNow, service, pending, image);
    config = await stack.setConfig(changes); // ConfigInvalidError: nothing written, nothing deployed
    outcome.changes = changes;
    emit({ kind: "config-written", wave: planned.index, changes });

    try {
      const upResult = await up(planned.index, `wave ${planned.index}`);
      outcome.up = upResult;
      const outputs = upResult.outputs ?? (await stack.outputs());
      const targets = planned.targets.map((t) => healthTarget(t, service, image));
      outcome.health = await settle(planned.index, targets, outputs);
      outcome.health = await bake(planned.index, targets, outputs);
      outcome.status = "succeeded";
      emit({ kind: "wave-succeeded", wave: planned.index });
    } catch (err) {
      outcome.status = "failed";
      outcome.reason = errorText(err);
      if (err instanceof WaveFailure && err.reports) outcome.health = err.reports;
      emit({ kind: "wave-failed", wave: planned.index, reason: outcome.reason });
      const rollback = await rollBack(planned.index, before);
      return result({ status: "failed", failedWave: planned.index, rollback });
    }
  }

  async function rollBack(wave: number, before: Array<{ key: string; override: string | undefined }>): Promise<RollbackOutcome> {
    if (options.rollback === false) return { status: "not-requested", changes: [] };
    let changes: ConfigChange[] = [];
    try {
      const current = await stack.getConfig();
      changes = restoreChanges(structuredClone(current.services[service]), service, before);
      emit({ kind: "rollback-started", wave, changes });
      await stack.setConfig(changes);
      const r = await up(wave, `rollback of wave ${wave}`);
      const outcome: RollbackOutcome = { status: "rolled-back", changes, up: r };
      emit({ kind: "rollback-finished", wave, outcome });
      return outcome;
    } catch (err) {
      const outcome: RollbackOutcome = { status: "failed", changes, error: errorText(err) };
      emit({ kind: "rollback-finished", wave, outcome });
      return outcome;
    }
  }

  const svcFinal = structuredClone(config.services[service]);
  const promote = promoteChanges(svcFinal, service, plan.waves.flatMap((w) => w.targets), image);
  if (promote.length > 0) config = await stack.setConfig(promote);
  emit({ kind: "promoted", changes: promote });
  const finalUp = await up(null, "promote");
  return result({ status: "completed", promoted: promote, finalUp });
}
