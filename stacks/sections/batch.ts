/**
 * `ecs-fleet:batch`: AWS Batch jobs, defined once, run on Fargate (or Fargate Spot) in the regions
 * they name, on demand or on an EventBridge Scheduler schedule; `after` makes jobs sequential.
 */
import { z } from "zod";
import { AddIssue, boolean, hasOwn, hint, integer, listOf, mapOf, nameList, struct, text } from "./common";
import { EnvironmentSchema, SecretsSchema, checkEnvironment } from "./env";
import { image } from "./image";
import { checkRegionList } from "./regions";
import { fargateSizeProblem } from "../fargate";
import { DNS_NAME } from "../naming";
import { descendantsOf, findCycles, formatCycle, graphOf, jobRegions } from "../batch-graph";

/**
 * Job names appear in Batch job definition names (≤ 128), Step Functions state machine names (≤ 80),
 * EventBridge Scheduler schedule names (≤ 64) and IAM role names (≤ 64, truncated with a hash), each
 * with the project and stack in front: keep them short enough to stay readable.
 */
export const MAX_JOB_NAME = 40;


export const BatchJobSchema = struct(
  {
    /** Container image, e.g. public.ecr.aws/docker/library/python:3.12-slim. Required. */
    image: image(),
    /** Container command, e.g. ["python", "-m", "render"]; an argument may be "". Default: the image's. */
    command: listOf(text("a command word", undefined, { allowEmpty: true }), "command words").optional(),
    /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). Required. */
    cpu: integer(1),
    /** Memory in MiB; a valid Fargate pair with cpu. Required. */
    memory: integer(1),
    /** Parallel copies (an array job), 2..10000; each sees AWS_BATCH_JOB_ARRAY_INDEX. Default: a single job. */
    arraySize: integer(2, 10000).optional(),
    /** Attempts before the job fails (Batch retry strategy), 1..10. Default 1. */
    retries: integer(1, 10).default(1),
    /** Time limit of one attempt in seconds, at least 60. Default: none. */
    timeoutSeconds: integer(60).optional(),
    /** Prefer Fargate Spot, fall back to Fargate. Default false. */
    spot: boolean().default(false),
    /** Plain environment variables. */
    environment: EnvironmentSchema.optional(),
    /** Secret environment variables: references, never values. */
    secrets: SecretsSchema.optional(),
    /** EventBridge Scheduler expression: cron(…), rate(…) or at(…). Only on a job without `after`. Default: on demand. */
    schedule: text("an EventBridge Scheduler expression such as cron(0 2 * * ? *), rate(6 hours) or at(2026-01-31T02:00:00)").optional(),
    /** Regions to run in. Default: every configured region. */
    regions: listOf(text("a region name"), "region names").optional(),
    /** Jobs that must succeed first (sequential steps). Default: none. */
    after: listOf(text("a job name"), "job names").optional(),
  },
  "image, command, cpu, memory, arraySize, retries, timeoutSeconds, spot, environment, secrets, schedule, regions, after",
);

export const BatchSchema = mapOf(BatchJobSchema, "job names to job definitions");

export type BatchJob = z.infer<typeof BatchJobSchema>;

// ---------------------------------------------------------------------------------------------
// Schedule expressions (EventBridge Scheduler)
// ---------------------------------------------------------------------------------------------

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Extra forms allowed besides values, ranges, lists, `*` and `/` steps. */
  extra: RegExp | undefined;
  question: boolean;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, extra: undefined, question: false },
  { name: "hours", min: 0, max: 23, extra: undefined, question: false },
  // L (last day), LW (last weekday), nW (weekday nearest day n), L-n (n days before the last)
  { name: "day-of-month", min: 1, max: 31, extra: /^(L|LW|L-\d{1,2}|\d{1,2}W)$/, question: true },
  { name: "month", min: 1, max: 12, names: MONTHS, extra: undefined, question: false },
  // L (Saturday), nL (last weekday n of the month), n#k (k-th weekday n of the month)
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, extra: /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)?L$|^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5]$/, question: true },
  { name: "year", min: 1970, max: 2199, extra: undefined, question: false },
];

function cronValue(token: string, field: CronField): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const i = field.names?.indexOf(token.toUpperCase()) ?? -1;
  return i >= 0 ? field.min + i : undefined;
}

function allowedValues(field: CronField): string {
  return `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}`;
}

/** Why one cron field is invalid, or undefined. */
function cronFieldProblem(value: string, field: CronField): string | undefined {
  const bad = (why: string) => `${field.name} field "${value}": ${why}`;
  if (value === "?") return field.question ? undefined : bad("? is only allowed in the day-of-month and day-of-week fields");
  if (field.extra && field.extra.test(value.toUpperCase())) {
    const dayMatch = /^(\d{1,2})W$|^L-(\d{1,2})$/.exec(value.toUpperCase());
    const n = dayMatch ? Number(dayMatch[1] ?? dayMatch[2]) : undefined;
    if (n !== undefined && (n < 1 || n > 31)) return bad("days are 1-31");
    return undefined;
  }
  if (value.includes("#")) return bad(field.name === "day-of-week" ? "use one <weekday>#<1-5> expression, e.g. 6#3 for the third Friday" : "# is only allowed in the day-of-week field");
  for (const item of value.split(",")) {
    if (item === "") return bad("empty list item");
    const [range, step, ...more] = item.split("/");
    if (more.length > 0) return bad(`"${item}" has more than one /`);
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return bad(`step "${step}" must be a whole number of 1 or more`);
    if (range === "*") continue;
    const ends = range.split("-");
    if (ends.length > 2 || ends.some((e) => e === "")) return bad(`"${item}" is not a value, a range a-b or *`);
    const values = ends.map((e) => cronValue(e, field));
    if (values.some((v) => v === undefined)) return bad(`values are ${allowedValues(field)}`);
  }
  return undefined;
}

/** Why a `cron(…)` body (the six fields) is invalid, or undefined. */
function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}, e.g. cron(0 2 * * ? *)`;
  }
  for (let i = 0; i < 6; i++) {
    const problem = cronFieldProblem(fields[i], CRON_FIELDS[i]);
    if (problem) return problem;
  }
  const dom = fields[2];
  const dow = fields[4];
  if ((dom === "?") === (dow === "?")) {
    return `exactly one of day-of-month and day-of-week must be ?, got "${dom}" and "${dow}", e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *)`;
  }
  return undefined;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Why a schedule expression is not one EventBridge Scheduler accepts, or undefined:
 * `cron(minutes hours day-of-month month day-of-week year)`, `rate(N minute[s]|hour[s]|day[s])`
 * (singular for 1) or `at(yyyy-mm-ddThh:mm:ss)`.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const form = /^(cron|rate|at)\((.*)\)$/.exec(expression.trim());
  if (!form) {
    return `expected cron(minutes hours day-of-month month day-of-week year), rate(<number> <minutes|hours|days>) or at(yyyy-mm-ddThh:mm:ss), got "${expression}"`;
  }
  const [, kind, body] = form;
  if (kind === "cron") {
    const problem = cronProblem(body);
    return problem ? `${problem} (in "${expression}")` : undefined;
  }
  if (kind === "rate") {
    const m = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
    if (!m || Number(m[1]) < 1) {
      return `a rate expression is rate(<whole number of 1 or more> <minutes|hours|days>), e.g. rate(6 hours), got "${expression}"`;
    }
    const n = Number(m[1]);
    const singular = m[2].replace(/s$/, "");
    const expected = n === 1 ? singular : `${singular}s`;
    if (m[2] !== expected) return `write rate(${n} ${expected}), got "${expression}"`;
    return undefined;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) return `a one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-01-31T02:00:00), got "${expression}"`;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return `${body} is not a valid date and time, got "${expression}"`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Cross-field checks
// ---------------------------------------------------------------------------------------------

/** Batch reserves variable names starting with AWS_BATCH for what it sets itself. */
const RESERVED_ENV_PREFIX = "AWS_BATCH";

/**
 * Cross-field checks of `ecs-fleet:batch`. `jobs` holds only the entries that parsed; `declaredJobs`
 * every declared key (so `after` naming a job that failed to parse is not "unknown");
 * `regions` the configured region names.
 *
 * Rules for `after` (a job starts when each job it comes after has succeeded, in the same region):
 * - every job it names must exist and must run in every region the job runs in (the job's regions are
 *   a subset of each predecessor's), since a job only waits for predecessors in its own region;
 * - `after` must not form a cycle (reported once per cycle, at its alphabetically first job);
 * - only the first job of a chain has a `schedule`; a scheduled job's chain is the job and every job
 *   that comes after it, and a job of a chain may only come after jobs of that same chain (the state
 *   machine runs nothing else), so a job cannot join two scheduled chains.
 */
export function checkBatch(
  jobs: Record<string, BatchJob>,
  declaredJobs: readonly string[],
  regions: readonly string[],
  add: AddIssue,
  /** `after` as written for jobs that did not parse at all: a bad type elsewhere must not hide a cycle. */
  unparsedAfter: Record<string, readonly string[]> = {},
): void {
  for (const name of declaredJobs) {
    if (!DNS_NAME.test(name)) {
      add(["batch", name], `job names must be DNS-safe (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), got "${name}"`);
    } else if (name.length > MAX_JOB_NAME) {
      add(["batch", name], `job names go into Batch job definition, Step Functions state machine and EventBridge schedule names and may be at most ${MAX_JOB_NAME} characters, got ${name.length}`);
    }
  }

  const declared = new Set(declaredJobs);
  for (const [name, job] of Object.entries(jobs)) {
    const base = ["batch", name];
    const size = fargateSizeProblem(job.cpu, job.memory);
    if (size) add([...base, size.field], size.message);

    if (job.regions) {
      if (job.regions.length === 0) add([...base, "regions"], "name at least one region, or leave regions out to run in every region");
      checkRegionList(job.regions, regions, [...base, "regions"], add);
    }

    checkEnvironment(job.environment, job.secrets, base, add);
    for (const key of [...Object.keys(job.environment ?? {}), ...Object.keys(job.secrets ?? {})]) {
      if (key.startsWith(RESERVED_ENV_PREFIX)) {
        const where = hasOwn(job.environment, key) ? "environment" : "secrets";
        add([...base, where, key], `variable names starting with ${RESERVED_ENV_PREFIX} are reserved for the ones AWS Batch sets`);
      }
    }

    if (job.schedule !== undefined) {
      const problem = scheduleExpressionProblem(job.schedule);
      if (problem) add([...base, "schedule"], problem);
      if ((job.after ?? []).length > 0) {
        const after = job.after!;
        add(
          [...base, "schedule"],
          `only the first job of a chain is scheduled; ${name} comes after ${after.join(", ")} and starts when ${after.length === 1 ? "it succeeds" : "they succeed"}: remove schedule, or schedule the first job instead`,
        );
      }
    }

    const seen = new Set<string>();
    (job.after ?? []).forEach((p, i) => {
      const at = [...base, "after", i];
      if (seen.has(p)) {
        add(at, `${p} is listed twice`);
        return;
      }
      seen.add(p);
      if (!declared.has(p)) {
        add(at, `"${p}" is not a batch job${hint(p, declaredJobs)} (jobs: ${nameList(declaredJobs)})`);
        return;
      }
      const pred = hasOwn(jobs, p) ? jobs[p] : undefined;
      if (!pred || p === name) return; // failed to parse (reported there) / self: a cycle, reported below
      const mine = jobRegions(job, regions);
      const theirs = jobRegions(pred, regions);
      const missing = mine.filter((r) => !theirs.includes(r));
      if (missing.length > 0) {
        add(
          at,
          `${name} runs in ${mine.join(", ")} but ${p} does not run in ${missing.join(", ")}; a job can only come after jobs that run in every region it runs in (add ${missing.join(", ")} to ${p}'s regions, or run ${name} only where ${p} runs)`,
        );
      }
    });
  }

  const graph = graphOf(jobs);
  for (const name of Object.keys(unparsedAfter)) {
    if (!Object.prototype.hasOwnProperty.call(graph, name)) graph[name] = [...unparsedAfter[name]];
  }
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    add(["batch", cycle[0], "after"], `jobs come after each other in a cycle: ${formatCycle(cycle)} (each job comes after the next); remove one of these after entries`);
  }
  if (cycles.length > 0) return; // chains are only defined on an acyclic graph
  for (const name of Object.keys(unparsedAfter)) delete graph[name];

  for (const head of Object.keys(jobs).sort()) {
    if (jobs[head].schedule === undefined || (jobs[head].after ?? []).length > 0) continue;
    const chain = new Set([head, ...descendantsOf(graph, head)]);
    for (const member of [...chain].sort()) {
      if (member === head) continue;
      (jobs[member].after ?? []).forEach((p, i) => {
        if (chain.has(p) || !hasOwn(jobs, p)) return;
        const other = jobs[p].schedule !== undefined ? `${p} is scheduled itself` : `${p} is not part of it`;
        add(
          ["batch", member, "after", i],
          `${member} is in the scheduled chain of ${head}, which runs only ${[...chain].sort().join(", ")}; ${other}: a job of a scheduled chain may only come after jobs of the same chain`,
        );
      });
    }
  }
}
