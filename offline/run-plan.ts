/**
 * Runs the real program (index.ts → program.ts) under the mock runtime for one stack config and
 * returns what it registered. Shared by `npm run plan` and the whole-program tests.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RecordedInvoke, RecordedResource, Recorder, resolveMasked, settle, useStack } from "./mocks";
import { FleetPlan, planFleet } from "../stacks/plan";
import { ConfigIssue, validateConfig } from "../stacks/validate";
import { setClock } from "../stacks/clock";

export const PROJECT = "ecs-fleet";

export interface ProgramInput {
  stack: string;
  raw: Record<string, string>;
  secretKeys?: string[];
  /** Clock for date checks. Default: now. */
  now?: Date;
}

export type ProgramRun =
  | { ok: false; stack: string; project: string; issues: ConfigIssue[] }
  | {
      ok: true;
      stack: string;
      project: string;
      plan: FleetPlan;
      resources: RecordedResource[];
      invokes: RecordedInvoke[];
      /** Stack outputs, resolved, secrets replaced by "[secret]". */
      outputs: unknown;
      /** The raw outputs object the program exported (with Outputs), for secret-ness checks. */
      exported: unknown;
    };

/**
 * Validates, then runs the program for `input` with the recorder (mocks must already be set with
 * `recorder.mocks` and `recorder.attach()` called). Invalid config registers nothing.
 */
export async function runProgram(recorder: Recorder, input: ProgramInput): Promise<ProgramRun> {
  const now = input.now ?? new Date();
  const result = validateConfig(input.raw, { stack: input.stack, project: PROJECT, now });
  if (!result.ok) return { ok: false, stack: input.stack, project: PROJECT, issues: result.issues };
  const plan = planFleet(result.config, { project: PROJECT, stack: input.stack, secretKeys: input.secretKeys, now });

  useStack(PROJECT, input.stack);
  pulumi.runtime.setAllConfig(input.raw, input.secretKeys ?? []);
  recorder.reset();

  // The same entry point `pulumi up` loads, fresh for this config.
  // index.ts under tsx (tests), dist/index.js when compiled (`npm run plan`, the bench): whichever
  // this module itself was loaded as.
  const entry = require.resolve(path.resolve(__dirname, "..", "index"));
  delete require.cache[entry];
  const restoreClock = setClock(() => now);
  let exported: unknown;
  try {
    // index.ts exports the promise of fleet()'s outputs (it builds region by region).
    exported = await require(entry);
  } finally {
    restoreClock();
  }
  const outputs = await resolveMasked(exported);
  await settle();
  return {
    ok: true,
    stack: input.stack,
    project: PROJECT,
    plan,
    resources: [...recorder.resources],
    invokes: [...recorder.invokes],
    outputs,
    exported,
  };
}
