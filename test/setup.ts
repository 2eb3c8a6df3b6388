/**
 * Mocha root hook: the Pulumi mock runtime is set once for the whole process (mocha shares one),
 * and what the recorder saw is forgotten before every test.
 */
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../offline/mocks";
import { installCheapPromises } from "../runtime/promises";

// What index.ts does before the program: components tested on their own run the same runtime.
installCheapPromises();

/** The one recorder every test reads. */
export const recorder = new Recorder();

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await pulumi.runtime.setMocks(recorder.mocks, "ecs-fleet", "dev", false);
    recorder.attach();
  },
  beforeEach(): void {
    recorder.reset();
  },
};
