/**
 * Small helpers for mock-based tests.
 *
 * Running the whole program: use `sharedRun` (any config) or `runShippedStack` (a Pulumi.<stack>.yaml).
 * Both run the program once per distinct input — stack, config, secret keys, clock — per mocha
 * process, and hand every later caller the same run, with the recorder refilled as the run left it.
 * That is what keeps `npm test` fast (docs/performance.md): most tests only read what a shipped
 * config registered. Treat the returned run (and its resources) as read-only: other tests share it.
 * Call `runProgram` directly only when the test is about running the program (idempotence, a fresh
 * run, something a shared run would hide).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recorder } from "./setup";
import { settle, useStack } from "../offline/mocks";
import { PROJECT, ProgramInput, ProgramRun, runProgram } from "../offline/run-plan";
import { readStackFile } from "../offline/stack-file";

/** The repository root (where the Pulumi.<stack>.yaml files are). */
export const ROOT = path.resolve(__dirname, "..");

/** Resolves an Output's value (waits for the mock registrations it depends on). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Waits until every pending registration has been answered, then returns the recorder. */
export async function registered(): Promise<typeof recorder> {
  await settle();
  return recorder;
}

/** Memoized program runs of this process, by input. */
const runs = new Map<string, Promise<ProgramRun>>();

/** The identity of a program input: everything `runProgram` reads (config keys sorted). */
function runKey(input: ProgramInput): string {
  const raw = Object.keys(input.raw)
    .sort()
    .map((k) => [k, input.raw[k]]);
  return JSON.stringify([input.stack, raw, [...(input.secretKeys ?? [])].sort(), input.now?.toISOString() ?? null]);
}

/**
 * Runs the program for `input` once per process and shares the run: the first call runs it, every
 * later call with the same input gets the same (read-only) run and finds the recorder holding its
 * resources and invokes, and the stack and config set, as if it had just run. Invalid config is
 * memoized too (it registers nothing).
 */
export async function sharedRun(input: ProgramInput): Promise<ProgramRun> {
  const key = runKey(input);
  let pending = runs.get(key);
  if (!pending) {
    pending = runProgram(recorder, input).then((run) => {
      // Shared by every later caller: a test that changed what it reads would change it for the others.
      if (run.ok) for (const r of [...run.resources, ...run.invokes]) deepFreeze(r);
      return run;
    });
    runs.set(key, pending);
    pending.catch(() => runs.delete(key));
    return pending;
  }
  const run = await pending;
  useStack(PROJECT, input.stack);
  pulumi.runtime.setAllConfig(input.raw, input.secretKeys ?? []);
  if (run.ok) recorder.load(run.resources, run.invokes);
  else recorder.reset();
  return run;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** How many distinct program runs this process made through `sharedRun` (for the helper's own test). */
export function sharedRunCount(): number {
  return runs.size;
}

/** Runs the real program for a shipped stack file (Pulumi.<stack>.yaml), shared; throws on invalid config. */
export async function runShippedStack(stack: string, now: Date) {
  const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  const run = await sharedRun({ stack, raw: file.raw, secretKeys: file.secretKeys, now });
  if (!run.ok) throw new Error(`${stack}: ${run.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
  return run;
}

export { recorder };
