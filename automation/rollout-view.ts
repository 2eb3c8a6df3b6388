/**
 * What a person watching a rollout sees (the CLI writes it to stderr):
 *  - a log of steps, each with a UTC timestamp;
 *  - on a terminal, a block redrawn in place under the log: one line per wave with its state and
 *    timing, then one live line per region of the running preview/up with resource counts, the
 *    last health check of each target, and the bake countdown;
 *  - otherwise (CI logs) the same information as plain lines when it changes.
 *
 * Component resources (ecs-fleet components, the stack) are containers, not work: they never count
 * as running, and whatever is still running when its operation ends (a failed update leaves
 * resources without their finished event) is cleared then, so nothing stays "running" after it is
 * done.
 */
import type { Clock } from "./clock";
import { describeChange } from "./config-edit";
import type { FleetEvent } from "./events";
import type { HealthReport } from "./health";
import type { RolloutEvent, RolloutResult } from "./rollout";

export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

type WaveState = "pending" | "skipped" | "deploying" | "checking" | "baking" | "done" | "failed" | "rolling back";

interface WaveLine {
  targets: string[];
  state: WaveState;
  startedAt?: number;
  finishedAt?: number;
  note?: string;
}

interface RegionLine {
  running: Set<string>;
  done: number;
  failed: number;
  changed: number;
  last: string;
}

/** `06:00:00` (UTC). */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `1h02m`, `4m05s`, `12s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

function isContainer(e: { type: string; componentType: string | null }): boolean {
  return e.type === "pulumi:pulumi:Stack" || e.type.startsWith("ecs-fleet:") || e.type === e.componentType;
}

function healthText(r: HealthReport): string {
  if (r.healthy) return `healthy (${r.checks.length} checks)`;
  const bad = r.checks.filter((c) => !c.ok);
  const how = bad.every((c) => c.settling || c.transient) ? "settling" : "failing";
  return `${how}: ${bad.map((c) => c.detail).join("; ")}`;
}

export class RolloutView {
  private readonly waves = new Map<number, WaveLine>();
  private readonly regions = new Map<string, RegionLine>();
  private readonly health = new Map<string, string>();
  private operation: string | undefined;
  private bake: { wave: number; endsAt: number } | undefined;
  private drawn = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: ViewOutput,
    private readonly options: { live: boolean; clock: Clock; project: string },
  ) {
    if (options.live) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref?.();
    }
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  /** A log line, timestamped, above the live block. */
  log(text: string): void {
    this.clear();
    this.out.write(`[${clockTime(this.now())}] ${text}\n`);
    this.draw();
  }

  private waveState(wave: number, state: WaveState, note?: string): void {
    const w = this.waves.get(wave);
    if (!w) return;
    if (state === "deploying" && w.startedAt === undefined) w.startedAt = this.now();
    if (state === "done" || state === "failed" || state === "skipped") w.finishedAt = this.now();
    w.state = state;
    if (note !== undefined) w.note = note;
    if (!this.options.live) this.out.write(`[${clockTime(this.now())}] ${this.waveLine(wave, w)}\n`);
    else this.redraw();
  }

  private waveLine(index: number, w: WaveLine): string {
    const timing =
      w.startedAt === undefined
        ? ""
        : w.finishedAt === undefined
          ? `  since ${clockTime(w.startedAt)} (${duration(this.now() - w.startedAt)})`
          : `  ${clockTime(w.startedAt)}-${clockTime(w.finishedAt)} (${duration(w.finishedAt - w.startedAt)})`;
    const bake = this.bake?.wave === index && w.state === "baking" ? `  bake ${duration(this.bake.endsAt - this.now())} left` : "";
    return `wave ${index} [${w.targets.join(", ")}] ${w.state}${timing}${bake}${w.note ? `  ${w.note}` : ""}`;
  }

  /** A rollout step. */
  progress(e: RolloutEvent): void {
    const p = this.options.project;
    const changes = (cs: Parameters<typeof describeChange>[0][]): string => cs.map((c) => describeChange(c, p)).join("; ");
    switch (e.kind) {
      case "resolved":
        return this.log(`image ${e.requested} is ${e.digest} (${e.via === "ecr" ? "Amazon ECR" : "registry"}): rolling out ${e.image}`);
      case "planned":
        e.plan.waves.forEach((w) => this.waves.set(w.index, { targets: w.targets.map((t) => t.key), state: "pending" }));
        return this.log(`rollout of ${e.plan.service}: ${e.plan.waves.map((w) => `[${w.targets.map((t) => t.key).join(", ")}]`).join(" -> ")}, bake ${e.plan.bakeMinutes} min`);
      case "lease":
        this.log(`lease taken by ${e.lease.holder} until ${e.lease.expires}`);
        if (e.previous) this.log(`${e.previous.expired ? "took over the expired" : "broke the"} lease of ${e.previous.holder} (since ${e.previous.start}, until ${e.previous.expires})`);
        return;
      case "journal":
        if (e.wave === null) return this.log(`journal: ${e.state}${e.resumed ? " (resuming this rollout)" : ""}`);
        return this.log(`wave ${e.wave}: journal ${e.state}`);
      case "preflight":
        for (const id of e.report.identities) this.log(`pre-flight: AWS credentials in ${id.region}: ${id.arn}`);
        for (const r of e.report.health) this.log(`pre-flight: ${r.target.key}: ${healthText(r)}`);
        for (const n of e.report.notes) this.log(`pre-flight note: ${n}`);
        return;
      case "retry":
        return this.log(`${e.what}: ${e.error}; retry ${e.attempt} in ${duration(e.delayMs)}`);
      case "wave-skipped":
        this.log(`wave ${e.wave} (${e.targets.join(", ")}): ${e.note}, skipped`);
        return this.waveState(e.wave, "skipped", e.note);
      case "wave-started":
        this.log(`wave ${e.wave} (${e.targets.join(", ")}): starting`);
        return this.waveState(e.wave, "deploying");
      case "config-written":
        return this.log(`${e.wave ? `wave ${e.wave}` : "promote"}: config ${changes(e.changes) || "unchanged"}`);
      case "preview-started":
        return this.startOperation(`${e.wave ? `wave ${e.wave}` : "final"} preview`);
      case "preview-finished":
        this.endOperation();
        this.log(
          `${e.wave ? `wave ${e.wave}` : "final"}: preview ${countsText(e.result.changes)}${e.outside.length ? `; ${e.outside.length} change(s) outside the targets` : ""}`,
        );
        for (const c of e.inside) this.log(`${e.wave ? `wave ${e.wave}` : "final"}: will change ${c}`);
        return;
      case "up-started":
        this.log(`${e.wave ? `wave ${e.wave}` : "final"}: up of ${e.targets.length} component(s)`);
        return this.startOperation(`${e.wave ? `wave ${e.wave}` : "final"} up`);
      case "up-finished": {
        this.endOperation();
        const regions = Object.entries(e.result.changesByRegion)
          .map(([r, c]) => `${r} ${countsText(c)}`)
          .join(", ");
        this.log(`${e.wave ? `wave ${e.wave}` : "final"}: up done: ${countsText(e.result.changes)}${regions ? ` (${regions})` : ""}`);
        if (e.wave && this.waves.get(e.wave)?.state === "deploying") this.waveState(e.wave, "checking");
        return;
      }
      case "health":
        for (const r of e.reports) this.health.set(r.target.key, `${r.target.key}: ${healthText(r)}`);
        return this.log(
          `wave ${e.wave}: health (${e.phase}${e.phase === "bake" && e.bakeRemainingMs !== undefined ? `, ${duration(e.bakeRemainingMs)} left` : ""}): ${e.reports.every((r) => r.healthy) ? "healthy" : e.reports.filter((r) => !r.healthy).map((r) => `${r.target.key}: ${healthText(r)}`).join(" | ")}`,
        );
      case "baking":
        this.bake = { wave: e.wave, endsAt: e.endsAt };
        this.log(`wave ${e.wave}: baking ${e.minutes} min, until ${clockTime(e.endsAt)}`);
        return this.waveState(e.wave, "baking");
      case "wave-succeeded":
        this.bake = undefined;
        this.log(`wave ${e.wave}: done`);
        return this.waveState(e.wave, "done");
      case "wave-failed":
        this.bake = undefined;
        this.log(`wave ${e.wave}: FAILED: ${e.reason}`);
        return this.waveState(e.wave, "failed");
      case "rollback-started":
        this.log(`wave ${e.wave}: rolling back: ${changes(e.changes) || "config unchanged"}`);
        return this.waveState(e.wave, "rolling back");
      case "rollback-finished":
        this.log(`wave ${e.wave}: rollback ${e.outcome.status}${e.outcome.error ? `: ${e.outcome.error}` : ""}${e.outcome.note ? ` (${e.outcome.note})` : ""}`);
        return this.waveState(e.wave, "failed", `rollback ${e.outcome.status}`);
      case "promoted":
        return this.log(`promote: ${changes(e.changes) || "config already final"}`);
      case "promote-failed":
        return this.log(`promote FAILED: ${e.error}`);
      case "stack-file":
        if (e.outcome.commit) return this.log(`committed ${e.outcome.file} as ${e.outcome.commit.slice(0, 12)}`);
        if (e.outcome.diff) this.log(`${e.outcome.file} changed:\n${e.outcome.diff.trimEnd()}`);
        if (e.outcome.warning) this.log(`WARNING: ${e.outcome.warning}`);
        return;
    }
  }

  /** An engine event of the running preview or up. */
  engine(e: FleetEvent): void {
    if (e.kind === "diagnostic") {
      if (e.severity === "error" || e.severity === "warning") this.log(`${e.severity}${e.region ? ` [${e.region}]` : ""}: ${e.message.trim()}`);
      return;
    }
    if (e.kind === "policy") {
      const on = e.urn ? ` (${e.urn.split("::").pop()})` : "";
      this.log(`policy ${e.level}${e.region ? ` [${e.region}]` : ""}: ${e.pack}/${e.policy}${on}: ${e.message.trim().split("\n")[0]}`);
      return;
    }
    if (e.kind === "summary") return this.endOperation();
    const key = e.region ?? "global";
    let r = this.regions.get(key);
    if (!r) {
      r = { running: new Set(), done: 0, failed: 0, changed: 0, last: "" };
      this.regions.set(key, r);
    }
    if (isContainer(e)) return;
    const what = `${e.planning ? "would " : ""}${e.op} ${e.type} ${e.name}`;
    if (e.kind === "resource-started") {
      r.running.add(e.urn);
      r.last = what;
    } else {
      r.running.delete(e.urn);
      if (e.kind === "resource-failed") {
        r.failed++;
        this.log(`[${key}] FAILED ${what}`);
      } else {
        r.done++;
        if (e.op !== "same") r.changed++;
        if (!this.options.live && e.op !== "same") this.out.write(`[${clockTime(this.now())}] [${key}] ${what}\n`);
      }
    }
    this.draw();
  }

  private startOperation(name: string): void {
    this.operation = name;
    this.regions.clear();
    this.redraw();
  }

  /** The operation is over: nothing of it is running any more. */
  private endOperation(): void {
    for (const r of this.regions.values()) r.running.clear();
    this.operation = undefined;
    this.redraw();
  }

  /** The lines of the live block. */
  block(): string[] {
    const lines = [...this.waves.entries()].map(([i, w]) => this.waveLine(i, w));
    const keys = [...this.regions.keys()].sort((a, b) => (a === "global" ? 1 : b === "global" ? -1 : a.localeCompare(b)));
    for (const k of keys) {
      const r = this.regions.get(k)!;
      const status = `  ${k.padEnd(15)} ${String(r.done).padStart(4)} done (${r.changed} changed) ${String(r.running.size).padStart(3)} running ${String(r.failed).padStart(3)} failed`;
      lines.push(r.running.size > 0 ? `${status}  ${r.last}` : status);
    }
    if (this.operation) lines.push(`  ${this.operation} running`);
    for (const h of this.health.values()) lines.push(`  health ${h}`);
    return lines;
  }

  private clear(): void {
    if (!this.options.live || this.drawn === 0) return;
    this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (!this.options.live) return;
    this.clear();
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const lines = this.block();
    for (const l of lines) this.out.write(`${l.slice(0, width)}\n`);
    this.drawn = lines.length;
  }

  private redraw(): void {
    if (this.options.live) this.draw();
  }

  /** Stops the countdown; the block stays on screen. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.endOperation();
    this.drawn = 0;
  }
}

function countsText(counts: Record<string, number | undefined>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length ? parts.join(", ") : "no resources";
}

/** The result in words (stdout of `fleet rollout`). */
export function rolloutSummary(r: RolloutResult): string {
  const lines = [`rollout of ${r.service} to ${r.image} on stack ${r.stack}: ${r.status} (${duration(r.durationMs)})`];
  if (r.requestedImage !== r.image) lines.push(`  image: ${r.requestedImage} pinned to ${r.digest}`);
  for (const w of r.waves) {
    const timing = w.startedAt !== undefined && w.finishedAt !== undefined ? ` [${clockTime(w.startedAt)}-${clockTime(w.finishedAt)}]` : "";
    lines.push(`  wave ${w.index} (${w.targets.join(", ")}): ${w.status}${timing}${w.reason ? `: ${w.reason}` : w.note ? ` (${w.note})` : ""}`);
  }
  if (r.rollback) lines.push(`  rollback: ${r.rollback.status}${r.rollback.error ? `: ${r.rollback.error}` : ""}`);
  if (r.promoteError) lines.push(`  ${r.promoteError}`);
  if (r.lease.previous) lines.push(`  lease: ${r.lease.previous.expired ? "took over the expired" : "broke the"} lease of ${r.lease.previous.holder}`);
  if (r.stackFile?.commit) lines.push(`  committed ${r.stackFile.file}: ${r.stackFile.commit}`);
  if (r.stackFile?.warning) lines.push(`  WARNING: ${r.stackFile.warning}`);
  return lines.join("\n");
}
