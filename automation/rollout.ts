/**
 * Region-by-region rollout of a new image for one service.
 *
 * Waves come from `ecs-fleet:rollout.waves` (default: one region per wave, in config order), keeping
 * only the regions the service runs in; regions the configured waves leave out follow, one per wave;
 * the service's on-prem sites form the last wave.
 *
 * Before anything changes: the image is pinned to its digest (./digest), the stack file must be
 * committed (./git), the stack's rollout lease is taken (./lease), the journal is read (./journal:
 * a wave recorded failed stops the rollout unless `force`), and the pre-flight checks that the AWS
 * credentials work and that every target is healthy with no alarm firing. Then, for each wave not
 * recorded as baked:
 *   1. set `services.<svc>.overrides.<region or site>.image` for the wave's targets (validated first),
 *   2. preview: pending changes outside the wave's components stop the rollout, naming them,
 *   3. `up` limited to the wave's components (`target`), journal `deployed`,
 *   4. wait until every target is healthy (./health), journal `verified`,
 *   5. bake: keep checking for `bakeMinutes`, then a last full check, journal `baked`,
 * and go on. When every wave is done the image moves into the service's base `image`, the overrides
 * it made go away, and a final (previewed, targeted) `up` runs. A failed wave stops the rollout:
 * later waves are never touched, and (unless `rollback: false`) the wave's targets are put back on
 * the image they ran before, with one more `up`, and checked healthy there.
 *
 * `planRollout` is pure (it also serves `--dry-run`); `runRollout` talks only to the RolloutStack,
 * HealthChecker, IdentityChecker, ImageResolver and StackFileGuard interfaces and waits only
 * through the injected clock.
 */
import { type Clock, systemClock } from "./clock";
import { type ConfigChange, describeChange } from "./config-edit";
import type { ResolvedImage, ImageResolver } from "./digest";
import { CommandError, FleetError } from "./errors";
import type { FleetEvent } from "./events";
import type { FleetStack, OperationOptions, OperationResult, StackOutputs } from "./fleet-stack";
import { RolloutRefusedError, type StackFileGuard, type StackFileOutcome } from "./git";
import {
  type CallerIdentity,
  type HealthCheck,
  type HealthChecker,
  type HealthReport,
  type HealthTarget,
  type IdentityChecker,
  describeChecks,
} from "./health";
import { RolloutJournal, type TagStore, type WaveRecord, type WaveState } from "./journal";
import { type Lease, LeaseLostError, acquireLease } from "./lease";
import { jitteredBackoff, retryTransient } from "./retry";
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
  /** The image the waves deploy (pinned to its digest when `resolved` is given). */
  image: string;
  /** How `image` was pinned: the reference as asked for and its digest. */
  resolved?: ResolvedImage;
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
  args: { stack: string; project: string; service: string; image: string; bakeMinutes?: number; resolved?: ResolvedImage },
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
    ...(args.resolved ? { resolved: args.resolved } : {}),
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
  if (plan.resolved) lines.push(`image ${plan.resolved.requested} resolved to ${plan.resolved.digest} (${plan.resolved.via === "ecr" ? "Amazon ECR" : "registry"}): every wave deploys ${plan.image}`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  lines.push("Before wave 1: stack file committed, rollout lease taken, journal read (a failed wave needs --force),");
  lines.push("  AWS credentials checked (STS GetCallerIdentity), every target healthy with no alarm in ALARM");
  for (const w of plan.waves) {
    const names = w.targets.map((t) => (t.kind === "site" ? `site ${t.key}` : t.key)).join(", ");
    lines.push("");
    lines.push(`Wave ${w.index}: ${names}${w.done ? " (already on the new image: skipped)" : ""}`);
    for (const t of w.targets) lines.push(`  ${t.key}: ${w.currentImages[t.key]} -> ${plan.image}`);
    if (w.done) continue;
    lines.push("  config:");
    for (const c of w.changes) lines.push(`    ${describeChange(c, plan.project)}`);
    lines.push(`  then: preview (stop on changes outside ${w.targets.map((t) => `${targetComponent(t).name}`).join(", ")}), up of those components only, and check:`);
    for (const t of w.targets) {
      for (const c of describeChecks(healthTarget(t, plan.service, plan.image))) lines.push(`    - ${c}`);
    }
    lines.push(`  bake ${plan.bakeMinutes} min (checks repeated), then a last check`);
    const back = w.targets
      .filter((t) => w.currentImages[t.key] !== plan.image)
      .map((t) => `${t.key} back to ${w.currentImages[t.key]}`)
      .join(", ");
    lines.push(`  on failure: stop; ${back}; up and check them there (unless --no-rollback)`);
  }
  lines.push("");
  lines.push("Finally:");
  lines.push("  config:");
  if (plan.promote.length === 0) lines.push("    (no change)");
  for (const c of plan.promote) lines.push(`    ${describeChange(c, plan.project)}`);
  lines.push("  then: preview, up of the rollout's components");
  return lines;
}

/** What happened to one wave. */
export interface WaveOutcome {
  index: number;
  targets: string[];
  status: "skipped" | "succeeded" | "failed" | "not-started";
  /** Config changes written for the wave. */
  changes: ConfigChange[];
  /** Why a wave was skipped (recorded as baked in the journal). */
  note?: string;
  preview?: OperationResult;
  up?: OperationResult;
  /** The last health reports of the wave's targets. */
  health?: HealthReport[];
  /** Why the wave failed. */
  reason?: string;
  /** Resources with pending changes outside the wave's targets, when they stopped it. */
  outside?: string[];
  /** Epoch ms. */
  startedAt?: number;
  finishedAt?: number;
}

export interface RollbackOutcome {
  /**
   * `rolled-back`: targets back on their previous image and seen healthy there; `unhealthy`: the
   * rollback deployed but the restored targets are not healthy; `failed`: the rollback itself
   * failed; `not-requested`: `rollback: false`.
   */
  status: "rolled-back" | "unhealthy" | "failed" | "not-requested";
  changes: ConfigChange[];
  up?: OperationResult;
  /** Health of the restored targets. */
  health?: HealthReport[];
  error?: string;
  /** E.g. nothing had been deployed, so only the config was put back. */
  note?: string;
}

/** What the pre-flight saw. */
export interface PreflightReport {
  identities: Array<{ region: string } & CallerIdentity>;
  health: HealthReport[];
  /** Accepted deviations (targets of waves not yet verified may run either image). */
  notes: string[];
}

export interface RolloutResult {
  stack: string;
  service: string;
  /** What the rollout deployed: `name@sha256:…`. */
  image: string;
  /** The image as asked for (`--image`). */
  requestedImage: string;
  digest: string;
  status: "completed" | "failed";
  waves: WaveOutcome[];
  /** Index of the failed wave. */
  failedWave?: number;
  rollback?: RollbackOutcome;
  /** Config changes of the final step, when reached. */
  promoted?: ConfigChange[];
  finalUp?: OperationResult;
  /** Why the final step (promote config, preview, up) failed. */
  promoteError?: string;
  preflight?: PreflightReport;
  /** The lease this rollout held, and the one it broke or took over. */
  lease: { holder: string; start: string; expires: string; previous?: Lease & { expired: boolean } };
  journal: { id: string; resumed: boolean; replaced?: string };
  /** What became of the stack file (git). */
  stackFile?: StackFileOutcome;
  durationMs: number;
}

/** Progress of a rollout, for displays. */
export type RolloutEvent =
  | { kind: "resolved"; requested: string; image: string; digest: string; via: ResolvedImage["via"] }
  | { kind: "planned"; plan: RolloutPlan }
  | { kind: "lease"; lease: Lease; previous?: Lease & { expired: boolean } }
  | { kind: "journal"; wave: number | null; state: WaveState | "begun" | "completed" | "failed"; resumed?: boolean }
  | { kind: "preflight"; report: PreflightReport }
  | { kind: "retry"; what: string; attempt: number; delayMs: number; error: string }
  | { kind: "wave-skipped"; wave: number; targets: string[]; note: string }
  | { kind: "wave-started"; wave: number; targets: string[] }
  | { kind: "config-written"; wave: number | null; changes: ConfigChange[] }
  | { kind: "preview-started"; wave: number | null }
  | {
      kind: "preview-finished";
      wave: number | null;
      result: OperationResult;
      /** URNs the up is limited to. */
      targets: string[];
      /** Pending changes inside the targets (what the up will do), `urn (op)`. */
      inside: string[];
      /** Pending changes outside them (they stop the rollout). */
      outside: string[];
    }
  | { kind: "up-started"; wave: number | null; targets: string[] }
  | { kind: "up-finished"; wave: number | null; result: OperationResult }
  | { kind: "health"; wave: number; phase: "settle" | "bake" | "final" | "rollback"; reports: HealthReport[]; bakeRemainingMs?: number }
  | { kind: "baking"; wave: number; minutes: number; endsAt: number }
  | { kind: "wave-succeeded"; wave: number }
  | { kind: "wave-failed"; wave: number; reason: string }
  | { kind: "rollback-started"; wave: number; changes: ConfigChange[] }
  | { kind: "rollback-finished"; wave: number; outcome: RollbackOutcome }
  | { kind: "promoted"; changes: ConfigChange[] }
  | { kind: "promote-failed"; error: string }
  | { kind: "stack-file"; outcome: StackFileOutcome };

export interface RolloutOptions {
  service: string;
  image: string;
  /** Put a failed wave's targets back on their previous image. Default true. */
  rollback?: boolean;
  /** Overrides the config's `rollout.bakeMinutes`. */
  bakeMinutes?: number;
  /** How long a wave may take to become healthy after `up` (and transient AWS errors are retried). Default 15 minutes. */
  healthTimeoutMinutes?: number;
  /** Pause between health checks while settling and baking. Default 30 seconds. */
  pollIntervalSeconds?: number;
  /** Break another rollout's unexpired lease; deploy a wave the journal records as failed again. Default false. */
  force?: boolean;
  /** Commit the stack file at the end (needs `deps.stackFile`). Default false: print the change and a warning. */
  commit?: boolean;
  /** Lease holder. Default `user@host (pid N)`. */
  holder?: string;
  /** Lease length (renewed as the rollout goes). Default 30. */
  leaseMinutes?: number;
  /** Pause between writing the lease and reading it back. Default 2 seconds. */
  leaseSettleSeconds?: number;
  /** Random source of the retry jitter. Default Math.random. */
  random?: () => number;
  onProgress?: (event: RolloutEvent) => void;
  /** Engine events of every preview and `up`. */
  onEvent?: (event: FleetEvent) => void;
}

/** The stack as the rollout drives it: config, preview/up (targeted), outputs, and tags (journal, lease). */
export interface RolloutStack extends FleetStack, TagStore {
  preview(options?: OperationOptions): Promise<OperationResult>;
}

export interface RolloutDeps {
  stack: RolloutStack;
  health: HealthChecker;
  /** Pre-flight proof that the AWS credentials work. */
  identity: IdentityChecker;
  /** Pins the image to its digest. */
  resolver: ImageResolver;
  /** The stack file in git: refuse when dirty, commit (or warn) at the end. Default: not checked. */
  stackFile?: StackFileGuard;
  /** Default the system clock. */
  clock?: Clock;
}

/** The pre-flight found a problem; nothing was changed. */
export class PreflightError extends RolloutRefusedError {
  constructor(
    readonly problems: readonly string[],
    readonly report: PreflightReport,
  ) {
    super(`pre-flight failed, nothing was changed:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** The journal records a wave of this very rollout as failed; passing it needs `force`. */
export class FailedWaveError extends RolloutRefusedError {
  constructor(
    readonly wave: number,
    readonly targets: readonly string[],
    readonly record: WaveRecord,
  ) {
    super(
      `wave ${wave} (${targets.join(", ")}) of this rollout is recorded as ${record.state} at ${record.at}` +
        `${record.reason ? `: ${record.reason}` : ""}; roll out a fixed image, or pass --force to deploy and check the wave again`,
    );
  }
}

class WaveFailure extends Error {
  constructor(
    message: string,
    readonly reports?: HealthReport[],
  ) {
    super(message);
  }
}

/** The preview found pending changes outside the wave's targets: nothing was deployed. */
class WaveBlocked extends Error {
  constructor(
    message: string,
    readonly outside: string[],
    readonly preview: OperationResult,
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

/** A failed check that may still clear by itself (settling, or a transient AWS error). */
const mayClear = (c: HealthCheck): boolean => !!c.settling || !!c.transient;

/**
 * The ecs-fleet component a target's resources live under (program.ts: one RegionalFootprint per
 * region, named by the region key; one OnPremSite per site, named `site-<key>`). A wave's `up` is
 * limited to these components' URNs; Pulumi includes a targeted component's children
 * (pulumi/pulumi#7605).
 */
export function targetComponent(t: RolloutTarget): { type: string; name: string } {
  return t.kind === "region" ? { type: "ecs-fleet:region:RegionalFootprint", name: t.key } : { type: "ecs-fleet:onprem:OnPremSite", name: `site-${t.key}` };
}

/** Steps that change nothing. */
const NO_CHANGE = new Set(["same", "read"]);

/**
 * Runs the rollout. Resolves with the outcome (status `failed` for a failed wave or a failed final
 * step); rejects only when nothing was deployed by this run: a bad image reference
 * (ImageReferenceError) or one the registry cannot resolve (ImageResolutionError), invalid config
 * (ConfigInvalidError), unknown service (RolloutPlanError), a refusal (StackFileDirtyError,
 * FailedWaveError, PreflightError), another rollout's lease (LeaseHeldError), or errors reading
 * the stack — and when another rollout broke this one's lease (LeaseLostError): it then stops
 * between two steps, and the journal says how far it got.
 */
export async function runRollout(deps: RolloutDeps, options: RolloutOptions): Promise<RolloutResult> {
  const clock = deps.clock ?? systemClock;
  const { stack, health } = deps;
  const { service } = options;
  const emit = (e: RolloutEvent): void => {
    try {
      options.onProgress?.(e);
    } catch {
      // a failing display must not fail the rollout
    }
  };
  const started = clock.now().getTime();
  const pollMs = (options.pollIntervalSeconds ?? 30) * 1000;
  const timeoutMs = (options.healthTimeoutMinutes ?? 15) * 60_000;
  const random = options.random;

  let config = await stack.getConfig();
  if (!config.services[service]) planRollout(config, { stack: stack.name, project: stack.project, service, image: options.image }); // RolloutPlanError
  // 8. The same bits everywhere: pin the image to its digest once, before anything else.
  const resolved = await deps.resolver.resolve(options.image);
  const image = resolved.image;
  emit({ kind: "resolved", requested: resolved.requested, image, digest: resolved.digest, via: resolved.via });
  const plan = planRollout(config, {
    stack: stack.name,
    project: stack.project,
    service,
    image,
    bakeMinutes: options.bakeMinutes,
    resolved,
  });
  emit({ kind: "planned", plan });
  const bakeMs = plan.bakeMinutes * 60_000;

  // 4. The result must be committable on its own.
  await deps.stackFile?.assertClean();

  // 3. One rollout at a time.
  const lease = await acquireLease(stack, {
    stack: stack.name,
    holder: options.holder,
    ttlMs: (options.leaseMinutes ?? 30) * 60_000,
    force: options.force,
    settleMs: (options.leaseSettleSeconds ?? 2) * 1000,
    clock,
  }).catch((err: unknown) => {
    if (!(err instanceof CommandError)) throw err;
    throw new RolloutRefusedError(
      `cannot keep the rollout lease and journal in the tags of stack ${stack.name} (${errorText(err)}); ` +
        "stack tags need Pulumi Cloud, or Pulumi CLI 3.211 or later on a self-managed backend",
    );
  });
  emit({ kind: "lease", lease: lease.current, previous: lease.previous });
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await lease.release().catch(() => undefined);
  };

  try {
    // 1. The journal says what each wave of this rollout has been through.
    const journal = await RolloutJournal.open(stack, clock, service, image);
    for (const w of plan.waves) {
      const rec = journal.wave(w.index);
      if (rec && (rec.state === "failed" || rec.state === "rolled-back") && !options.force) {
        throw new FailedWaveError(w.index, w.targets.map((t) => t.key), rec);
      }
    }
    const baked = (index: number): boolean => journal.wave(index)?.state === "baked";

    const outcomes: WaveOutcome[] = plan.waves.map((w) => ({
      index: w.index,
      targets: w.targets.map((t) => t.key),
      status: "not-started",
      changes: [],
    }));
    let preflight: PreflightReport | undefined;
    const result = (extra: Partial<RolloutResult> & { status: RolloutResult["status"] }): RolloutResult => ({
      stack: stack.name,
      service,
      image,
      requestedImage: resolved.requested,
      digest: resolved.digest,
      waves: outcomes,
      preflight,
      lease: { ...lease.current, ...(lease.previous ? { previous: lease.previous } : {}) },
      journal: { id: journal.id, resumed: journal.resumed, ...(journal.replaced ? { replaced: journal.replaced.id } : {}) },
      durationMs: clock.now().getTime() - started,
      ...extra,
    });

    /** One target's health; transient AWS errors are asked again with backoff until `deadline`. */
    const checkOne = async (t: HealthTarget, outputs: StackOutputs, deadline: number): Promise<HealthReport> => {
      for (let attempt = 1; ; attempt++) {
        const r = await health.check(t, outputs);
        const transient = r.checks.filter((c) => !c.ok && c.transient);
        const now = clock.now().getTime();
        if (transient.length === 0 || now >= deadline) return r;
        const delayMs = Math.max(1, Math.min(jitteredBackoff(attempt, { random }), deadline - now));
        emit({ kind: "retry", what: `health of ${t.key}`, attempt, delayMs, error: transient.map((c) => c.detail).join("; ") });
        await clock.sleep(delayMs);
      }
    };
    const checkAll = async (targets: HealthTarget[], outputs: StackOutputs, deadline: number): Promise<HealthReport[]> => {
      const reports: HealthReport[] = [];
      for (const t of targets) reports.push(await checkOne(t, outputs, deadline));
      return reports;
    };

    // 5. Pre-flight: credentials work, every target healthy, no alarm firing, before anything changes.
    {
      const deadline = clock.now().getTime() + timeoutMs;
      const problems: string[] = [];
      const report: PreflightReport = { identities: [], health: [], notes: [] };
      for (const region of [...new Set(plan.waves.flatMap((w) => w.targets.map((t) => t.region)))]) {
        try {
          const id = await retryTransient(() => deps.identity.callerIdentity(region), {
            clock,
            deadline,
            random,
            onRetry: ({ attempt, delayMs, error }) => emit({ kind: "retry", what: `caller identity in ${region}`, attempt, delayMs, error: errorText(error) }),
          });
          report.identities.push({ region, ...id });
        } catch (err) {
          const name = err instanceof Error ? err.name : "Error";
          problems.push(`AWS credentials do not work in ${region} (STS GetCallerIdentity): ${name}: ${errorText(err)}`);
        }
      }
      if (problems.length === 0) {
        const outputs = await stack.outputs();
        const svcNow = config.services[service];
        for (const w of plan.waves) {
          for (const [i, t] of w.targets.entries()) {
            // What the target should run now: the new image for a baked wave; else what it ran
            // before this rollout (the journal knows when a run before this one moved its config).
            const b = journal.beforeOf(w.index, i);
            const expected = !baked(w.index) && b.recorded ? (b.override ?? svcNow.image) : imageOf(svcNow, t.key);
            const r = await checkOne(healthTarget(t, service, expected), outputs, deadline);
            report.health.push(r);
            const bad = r.checks.filter((c) => !c.ok);
            // A wave not yet verified may have been stopped between its config write and its check:
            // its targets may run the old or the new image; the wave is deployed and checked again.
            const lenient = !baked(w.index) ? bad.filter((c) => c.name !== "image") : bad;
            if (lenient.length < bad.length) report.notes.push(`${t.key}: ${bad.find((c) => c.name === "image")!.detail} (wave ${w.index} is deployed and checked again)`);
            if (lenient.length > 0) problems.push(`${t.key} is not healthy now: ${lenient.map((c) => c.detail).join("; ")}`);
          }
        }
      }
      preflight = report;
      emit({ kind: "preflight", report });
      if (problems.length > 0) throw new PreflightError(problems, report);
    }

    await journal.begin();
    emit({ kind: "journal", wave: null, state: "begun", resumed: journal.resumed });
    const record = async (wave: number, state: WaveState, reason?: string): Promise<void> => {
      await journal.record(wave, state, reason);
      emit({ kind: "journal", wave, state });
    };

    const up = async (wave: number | null, step: string, target: string[]): Promise<OperationResult> => {
      emit({ kind: "up-started", wave, targets: target });
      const r = await stack.up({ onEvent: options.onEvent, message: `rollout of ${service} to ${image}: ${step}`, target, targetDependents: false });
      emit({ kind: "up-finished", wave, result: r });
      return r;
    };

    /**
     * 2. Preview the whole stack; the URNs of the targets' components, and every resource with a
     * pending change outside them (drift or config changes in other regions must not ship here).
     */
    const scope = async (wave: number | null, targets: readonly RolloutTarget[], step: string): Promise<{ urns: string[]; outside: string[]; preview: OperationResult }> => {
      const wanted = new Map(targets.map((t) => {
        const c = targetComponent(t);
        return [`${c.type}::${c.name}`, t.key] as const;
      }));
      const urns = new Map<string, string>();
      const inside = new Map<string, string>();
      const outside = new Map<string, string>();
      emit({ kind: "preview-started", wave });
      const preview = await stack.preview({
        message: `rollout of ${service} to ${image}: ${step} (preview)`,
        onEvent: (e) => {
          options.onEvent?.(e);
          if (e.kind !== "resource-started" && e.kind !== "resource-finished") return;
          const key = e.componentType ? wanted.get(`${e.componentType}::${e.component}`) : undefined;
          if (key !== undefined) {
            if (e.type === e.componentType && e.name === e.component) urns.set(key, e.urn);
            else if (!NO_CHANGE.has(e.op)) inside.set(e.urn, `${e.urn} (${e.op})`);
          } else if (!NO_CHANGE.has(e.op) && e.type !== "pulumi:pulumi:Stack") {
            outside.set(e.urn, `${e.urn} (${e.op})`);
          }
        },
      });
      const list = [...outside.values()];
      emit({ kind: "preview-finished", wave, result: preview, targets: [...urns.values()], inside: [...inside.values()], outside: list });
      if (list.length > 0) {
        const shown = list.slice(0, 10).join(", ");
        throw new WaveBlocked(
          `preview shows ${list.length} pending change(s) outside ${wave === null ? "the rollout's targets" : `wave ${wave}'s targets`} (${targets.map((t) => t.key).join(", ")}): ${shown}${list.length > 10 ? `, and ${list.length - 10} more` : ""}; deploy or revert them first`,
          list,
          preview,
        );
      }
      const missing = targets.filter((t) => !urns.has(t.key)).map((t) => `${targetComponent(t).type} ${targetComponent(t).name}`);
      if (missing.length > 0) throw new WaveFailure(`preview shows no component for ${missing.join(", ")}; nothing to target`);
      return { urns: targets.map((t) => urns.get(t.key)!), outside: list, preview };
    };

    /** Health after `up`: poll until healthy; fail at once on what cannot heal by itself. */
    const settle = async (wave: number, targets: HealthTarget[], outputs: StackOutputs, phase: "settle" | "rollback"): Promise<HealthReport[]> => {
      const deadline = clock.now().getTime() + timeoutMs;
      for (;;) {
        await lease.renew();
        const reports = await checkAll(targets, outputs, deadline);
        emit({ kind: "health", wave, phase, reports });
        if (reports.every((r) => r.healthy)) return reports;
        const hopeless = reports.some((r) => r.checks.some((c) => !c.ok && !mayClear(c)));
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
      const end = clock.now().getTime() + bakeMs;
      emit({ kind: "baking", wave, minutes: plan.bakeMinutes, endsAt: end });
      for (let now = clock.now().getTime(); now < end; now = clock.now().getTime()) {
        await clock.sleep(Math.min(pollMs, end - now));
        if (clock.now().getTime() >= end) break;
        await lease.renew();
        const reports = await checkAll(targets, outputs, clock.now().getTime() + timeoutMs);
        emit({ kind: "health", wave, phase: "bake", reports, bakeRemainingMs: Math.max(0, end - clock.now().getTime()) });
        if (reports.some((r) => r.checks.some((c) => !c.ok && !mayClear(c)))) {
          throw new WaveFailure(`unhealthy while baking: ${unhealthySummary(reports)}`, reports);
        }
      }
      const reports = await checkAll(targets, outputs, clock.now().getTime() + timeoutMs);
      emit({ kind: "health", wave, phase: "final", reports, bakeRemainingMs: 0 });
      if (!reports.every((r) => r.healthy)) throw new WaveFailure(`unhealthy after baking: ${unhealthySummary(reports)}`, reports);
      return reports;
    };

    /** 6. Puts the wave's targets back and checks them there. */
    const rollBack = async (
      planned: PlannedWave,
      before: Array<{ key: string; override: string | undefined }>,
      urns: string[],
    ): Promise<RollbackOutcome> => {
      const wave = planned.index;
      let changes: ConfigChange[] = [];
      let upResult: OperationResult | undefined;
      try {
        const current = await stack.getConfig();
        changes = restoreChanges(structuredClone(current.services[service]), service, before);
        emit({ kind: "rollback-started", wave, changes });
        config = changes.length > 0 ? await stack.setConfig(changes) : current;
        upResult = await up(wave, `rollback of wave ${wave}`, urns);
        const outputs = upResult.outputs ?? (await stack.outputs());
        const svc = config.services[service];
        const restored = planned.targets.map((t) => healthTarget(t, service, imageOf(svc, t.key)));
        const reports = await settle(wave, restored, outputs, "rollback");
        const outcome: RollbackOutcome = { status: "rolled-back", changes, up: upResult, health: reports };
        emit({ kind: "rollback-finished", wave, outcome });
        return outcome;
      } catch (err) {
        const outcome: RollbackOutcome =
          err instanceof WaveFailure && upResult
            ? { status: "unhealthy", changes, up: upResult, ...(err.reports ? { health: err.reports } : {}), error: `restored targets ${errorText(err)}` }
            : { status: "failed", changes, ...(upResult ? { up: upResult } : {}), error: errorText(err) };
        emit({ kind: "rollback-finished", wave, outcome });
        return outcome;
      }
    };

    const finish = async (r: RolloutResult): Promise<RolloutResult> => {
      await journal.finish(r.status).catch(() => undefined);
      emit({ kind: "journal", wave: null, state: r.status });
      await release();
      if (deps.stackFile) {
        const file = deps.stackFile.file;
        const outcome = await deps.stackFile
          .finish({ commit: options.commit ?? false, message: `rollout: ${service} to ${image} on ${stack.name} (${r.status})` })
          .catch((err: unknown): StackFileOutcome => ({ file, tracked: true, changed: true, warning: `could not check ${file} with git (${errorText(err)}): commit it by hand` }));
        r.stackFile = outcome;
        emit({ kind: "stack-file", outcome });
      }
      r.durationMs = clock.now().getTime() - started;
      return r;
    };

    for (const planned of plan.waves) {
      const outcome = outcomes[planned.index - 1];
      const keys = planned.targets.map((t) => t.key);
      const rec = journal.wave(planned.index);
      if (rec?.state === "baked") {
        outcome.status = "skipped";
        outcome.note = `recorded as baked at ${rec.at}`;
        emit({ kind: "wave-skipped", wave: planned.index, targets: keys, note: outcome.note });
        continue;
      }
      await lease.renew(true);
      outcome.startedAt = clock.now().getTime();
      emit({ kind: "wave-started", wave: planned.index, targets: keys });
      const svcNow = structuredClone(config.services[service]);
      // What the targets ran before this rollout: from the journal when a run before this one
      // already moved them, else from the config now.
      const before = planned.targets.map((t, i) => {
        const b = journal.beforeOf(planned.index, i);
        return { key: t.key, override: b.recorded ? b.override : overrideImage(svcNow, t.key) };
      });
      await journal.recordBefore(planned.index, before.map((b) => b.override));
      const pending = planned.targets.filter((t) => imageOf(svcNow, t.key) !== image);
      const changes = moveTargets(svcNow, service, pending, image);
      if (changes.length > 0) {
        config = await stack.setConfig(changes); // ConfigInvalidError: nothing written, nothing deployed
        emit({ kind: "config-written", wave: planned.index, changes });
      }
      outcome.changes = changes;

      let urns: string[] = [];
      try {
        const s = await scope(planned.index, planned.targets, `wave ${planned.index}`);
        outcome.preview = s.preview;
        urns = s.urns;
        const upResult = await up(planned.index, `wave ${planned.index}`, urns);
        outcome.up = upResult;
        await record(planned.index, "deployed");
        const outputs = upResult.outputs ?? (await stack.outputs());
        const targets = planned.targets.map((t) => healthTarget(t, service, image));
        outcome.health = await settle(planned.index, targets, outputs, "settle");
        await record(planned.index, "verified");
        outcome.health = await bake(planned.index, targets, outputs);
        await record(planned.index, "baked");
        outcome.status = "succeeded";
        outcome.finishedAt = clock.now().getTime();
        emit({ kind: "wave-succeeded", wave: planned.index });
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        outcome.status = "failed";
        outcome.finishedAt = clock.now().getTime();
        outcome.reason = errorText(err);
        if (err instanceof WaveFailure && err.reports) outcome.health = err.reports;
        emit({ kind: "wave-failed", wave: planned.index, reason: outcome.reason });
        if (err instanceof WaveBlocked || urns.length === 0) {
          // Nothing was deployed: put the config back (whatever --no-rollback says: an undeployed
          // change must not wait in the config for the next `pulumi up`) and forget the wave.
          if (err instanceof WaveBlocked) {
            outcome.outside = err.outside;
            outcome.preview = err.preview;
          }
          const current = await stack.getConfig();
          const restore = restoreChanges(structuredClone(current.services[service]), service, before);
          if (restore.length > 0) config = await stack.setConfig(restore);
          await journal.clear(planned.index);
          const rollback: RollbackOutcome = { status: "rolled-back", changes: restore, note: "nothing was deployed: only the config was put back" };
          emit({ kind: "rollback-finished", wave: planned.index, outcome: rollback });
          return await finish(result({ status: "failed", failedWave: planned.index, rollback }));
        }
        if (options.rollback === false) {
          await record(planned.index, "failed", outcome.reason);
          return await finish(result({ status: "failed", failedWave: planned.index, rollback: { status: "not-requested", changes: [] } }));
        }
        const rollback = await rollBack(planned, before, urns);
        if (rollback.status === "rolled-back") await record(planned.index, "rolled-back", outcome.reason);
        else await record(planned.index, "failed", `${outcome.reason}; rollback ${rollback.status}: ${rollback.error ?? ""}`);
        return await finish(result({ status: "failed", failedWave: planned.index, rollback }));
      }
    }

    // 7. The final step is part of the rollout: its failure is reported with everything before it.
    let promote: ConfigChange[] = [];
    try {
      await lease.renew(true);
      const svcFinal = structuredClone(config.services[service]);
      promote = promoteChanges(svcFinal, service, plan.waves.flatMap((w) => w.targets), image);
      if (promote.length > 0) config = await stack.setConfig(promote);
      emit({ kind: "promoted", changes: promote });
      const s = await scope(null, plan.waves.flatMap((w) => w.targets), "promote");
      const finalUp = await up(null, "promote", s.urns);
      return await finish(result({ status: "completed", promoted: promote, finalUp }));
    } catch (err) {
      if (err instanceof LeaseLostError) throw err;
      const promoteError = `final step failed: ${errorText(err)}`;
      emit({ kind: "promote-failed", error: promoteError });
      return await finish(result({ status: "failed", promoted: promote, promoteError }));
    }
  } finally {
    await release();
  }
}
