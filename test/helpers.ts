/** Small helpers for mock-based tests. */
import * as pulumi from "@pulumi/pulumi";
import { recorder } from "./setup";

/** Resolves an Output's value (waits for the mock registrations it depends on). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Whether an Output is secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Waits until every pending registration has been answered, then returns the recorder. */
export async function registered(): Promise<typeof recorder> {
  await require("../tools/mocks").settle();
  return recorder;
}

export { recorder };
