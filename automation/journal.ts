/**
 * The rollout journal: what each wave of a rollout has been through, kept with the stack in its
 * backend as stack tags (Pulumi Cloud keeps stack tags; self-managed backends do since Pulumi CLI
 * 3.211 — older CLIs fail `pulumi stack tag set` there, and the rollout refuses to start). A crash,
 * a Ctrl-C or a failed wave leaves the record where every operator (and CI) can read it:
 * `pulumi stack tag ls`.
 *
 * Tags (names at most 40 characters of letters, digits, `-_.:`; values at most 256 characters,
 * the limits Pulumi's stack tag validation enforces):
 *   fleet.rollout         {"id","svc","at","st"}  the rollout: id, service, start, status
 *   fleet.rollout.image   the image being rolled out (`name@sha256:…`, at most 255 characters)
 *   fleet.rollout.w<N>    {"id","s","at","r"?}    wave N: state, when, why (failed waves)
 *   fleet.rollout.w<N>.t<i>  image override target i of wave N had before the rollout ("" = base)
 *   fleet.rollout.lease   see ./lease
 * The rollout id is derived from service and image, so running the same command again finds its
 * journal, and a rollout of another image starts a fresh one.
 */
import { createHash } from "crypto";
import type { Clock } from "./clock";
import { FleetError } from "./errors";

/** Where the journal and the lease live (a stack's tags; tests use a map). */
export interface TagStore {
  listTags(): Promise<Record<string, string>>;
  setTag(key: string, value: string): Promise<void>;
  removeTag(key: string): Promise<void>;
}

/** A journal entry would not fit a stack tag. */
export class JournalError extends FleetError {}

/** Most characters of a stack tag name and value. */
export const TAG_NAME_MAX = 40;
export const TAG_VALUE_MAX = 256;
const TAG_NAME = /^[A-Za-z0-9\-_.:]{1,40}$/;

export const JOURNAL_TAG = "fleet.rollout";
export const IMAGE_TAG = "fleet.rollout.image";
export const waveTag = (wave: number): string => `fleet.rollout.w${wave}`;
export const beforeTag = (wave: number, target: number): string => `fleet.rollout.w${wave}.t${target}`;

/**
 * What a wave has been through, in order: `deployed` (its `up` succeeded), `verified` (healthy after
 * the up), `baked` (healthy through the bake and the last check: the wave is done). `failed`: a step
 * failed and the wave was not rolled back; `rolled-back`: it failed and its targets are verified
 * back on their previous image.
 */
export type WaveState = "deployed" | "verified" | "baked" | "failed" | "rolled-back";

export interface WaveRecord {
  state: WaveState;
  /** ISO time of the record. */
  at: string;
  /** Why the wave failed. */
  reason?: string;
}

export interface JournalHeader {
  id: string;
  service: string;
  started: string;
  status: "running" | "completed" | "failed";
}

/** The id of a rollout of `image` for `service`. */
export function rolloutId(service: string, image: string): string {
  return createHash("sha256").update(`${service}\n${image}`).digest("hex").slice(0, 12);
}

/** Checks a tag against Pulumi's limits before it is written. */
export function checkTag(key: string, value: string): void {
  if (!TAG_NAME.test(key)) throw new JournalError(`stack tag name ${JSON.stringify(key)} is not 1-${TAG_NAME_MAX} letters, digits, -_.:`);
  if (value.length > TAG_VALUE_MAX) throw new JournalError(`stack tag ${key}: value of ${value.length} characters, at most ${TAG_VALUE_MAX} allowed`);
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Shortens `text` (ending it with …) so that `wrap(text)` fits a tag value. */
function fitting(text: string, wrap: (t: string) => string): string {
  let t = text;
  for (let over = wrap(t).length - TAG_VALUE_MAX; over > 0 && t.length > 1; over = wrap(t).length - TAG_VALUE_MAX) {
    t = `${t.slice(0, Math.max(0, t.length - over - 2))}…`;
  }
  return t;
}

/** One rollout's journal, read once and written through on every change. */
export class RolloutJournal {
  private readonly waves = new Map<number, WaveRecord>();
  private readonly before = new Map<string, string | undefined>();
  /** The header of another rollout found in place of this one (replaced when this one begins). */
  readonly replaced?: JournalHeader & { image?: string };
  private header?: JournalHeader;
  private readonly found: boolean;

  private constructor(
    private readonly store: TagStore,
    private readonly clock: Clock,
    readonly id: string,
    readonly service: string,
    readonly image: string,
    private tags: Record<string, string>,
  ) {
    const h = parse<{ id?: string; svc?: string; at?: string; st?: JournalHeader["status"] }>(tags[JOURNAL_TAG]);
    if (h?.id === id) {
      this.header = { id, service, started: h.at ?? "", status: h.st ?? "running" };
      for (const [k, v] of Object.entries(tags)) {
        const w = /^fleet\.rollout\.w(\d+)$/.exec(k);
        const rec = w ? parse<{ id?: string; s?: WaveState; at?: string; r?: string }>(v) : undefined;
        if (w && rec?.id === id && rec.s) this.waves.set(Number(w[1]), { state: rec.s, at: rec.at ?? "", ...(rec.r ? { reason: rec.r } : {}) });
        const b = /^fleet\.rollout\.w(\d+)\.t(\d+)$/.exec(k);
        if (b) this.before.set(`${b[1]}.${b[2]}`, v === "" ? undefined : v);
      }
    } else if (h?.id) {
      this.replaced = { id: h.id, service: h.svc ?? "?", started: h.at ?? "", status: h.st ?? "running", image: tags[IMAGE_TAG] };
    }
    this.found = this.header !== undefined;
  }

  /** Reads the journal of the rollout of `image` for `service` (empty if there is none yet). */
  static async open(store: TagStore, clock: Clock, service: string, image: string): Promise<RolloutJournal> {
    return new RolloutJournal(store, clock, rolloutId(service, image), service, image, await store.listTags());
  }

  /** True when the journal of this very rollout was found when it was opened (a resume). */
  get resumed(): boolean {
    return this.found;
  }

  get status(): JournalHeader["status"] | undefined {
    return this.header?.status;
  }

  wave(index: number): WaveRecord | undefined {
    return this.waves.get(index);
  }

  /** The override target `i` of wave `wave` had before the rollout, if recorded. */
  beforeOf(wave: number, i: number): { recorded: boolean; override: string | undefined } {
    const k = `${wave}.${i}`;
    return { recorded: this.before.has(k), override: this.before.get(k) };
  }

  /** Starts the journal (a fresh rollout clears another rollout's tags) or marks a resumed one running. */
  async begin(): Promise<void> {
    if (!this.header) {
      for (const k of Object.keys(this.tags)) if (k.startsWith(`${JOURNAL_TAG}.w`)) await this.store.removeTag(k);
      this.header = { id: this.id, service: this.service, started: this.clock.now().toISOString(), status: "running" };
      await this.set(IMAGE_TAG, this.image);
    }
    await this.writeHeader("running");
    this.tags = {};
  }

  /** Records the images a wave's targets ran before the rollout (once: a resume keeps the first). */
  async recordBefore(wave: number, overrides: ReadonlyArray<string | undefined>): Promise<void> {
    for (let i = 0; i < overrides.length; i++) {
      if (this.before.has(`${wave}.${i}`)) continue;
      await this.set(beforeTag(wave, i), overrides[i] ?? "");
      this.before.set(`${wave}.${i}`, overrides[i]);
    }
  }

  async record(wave: number, state: WaveState, reason?: string): Promise<void> {
    const at = this.clock.now().toISOString();
    const wrap = (r: string | undefined): string => JSON.stringify({ id: this.id, s: state, at, ...(r ? { r } : {}) });
    const r = reason === undefined ? undefined : fitting(reason, wrap);
    await this.set(waveTag(wave), wrap(r));
    this.waves.set(wave, { state, at, ...(r ? { reason: r } : {}) });
  }

  /** Forgets a wave (nothing of it was deployed). */
  async clear(wave: number): Promise<void> {
    if (!this.waves.has(wave)) return;
    await this.store.removeTag(waveTag(wave));
    this.waves.delete(wave);
  }

  async finish(status: "completed" | "failed"): Promise<void> {
    await this.writeHeader(status);
  }

  private async writeHeader(status: JournalHeader["status"]): Promise<void> {
    const h = this.header!;
    h.status = status;
    await this.set(JOURNAL_TAG, JSON.stringify({ id: h.id, svc: h.service, at: h.started, st: status }));
  }

  private async set(key: string, value: string): Promise<void> {
    checkTag(key, value);
    await this.store.setTag(key, value);
  }
}
