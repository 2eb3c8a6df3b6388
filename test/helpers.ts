/** Small helpers for mock-based tests. */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recorder } from "./setup";
import { settle } from "../offline/mocks";
import { runProgram } from "../offline/run-plan";
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

/** Runs the real program for a shipped stack file (Pulumi.<stack>.yaml); throws on invalid config. */
export async function runShippedStack(stack: string, now: Date) {
  const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  const run = await runProgram(recorder, { stack, raw: file.raw, secretKeys: file.secretKeys, now });
  if (!run.ok) throw new Error(`${stack}: ${run.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
  return run;
}

export { recorder };
