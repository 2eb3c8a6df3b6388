/**
 * The fleet is built a part at a time (runtime/turn.ts): after each service, each region and each
 * site a turn of the event loop lets what was built so far go out. Under the mock runtime that
 * means answered — so registrations are answered while the fleet is still being built, not all
 * after it. Built in one synchronous burst (as before), every construction came before the first
 * answer: 1.2 GiB in flight at 20 × 20 and the first registration only after the whole program.
 */
import { expect } from "chai";
import { recorder } from "../setup";
import { runProgram } from "../../offline/run-plan";
import { generatedConfig } from "../../tools/bench";

const NOW = new Date("2026-11-24T00:00:00Z");

type Event = { kind: "construct" | "answer"; type: string; name: string };

/** Runs the bench fleet of `regions` × `services`, recording constructions and answers in order. */
async function buildOrder(regions: number, services: number): Promise<{ events: Event[]; regionNames: string[] }> {
  const events: Event[] = [];
  const sdk = require("@pulumi/pulumi/runtime/resource");
  const registerResource = sdk.registerResource;
  const newResource = recorder.mocks.newResource;
  sdk.registerResource = (...args: unknown[]) => {
    events.push({ kind: "construct", type: String(args[2]), name: String(args[3]) });
    return registerResource(...args);
  };
  recorder.mocks.newResource = (args) => {
    events.push({ kind: "answer", type: args.type, name: args.name });
    return newResource.call(recorder.mocks, args);
  };
  try {
    const run = await runProgram(recorder, { stack: "turns", raw: generatedConfig(regions, services), now: NOW });
    if (!run.ok) throw new Error(JSON.stringify(run.issues));
    return { events, regionNames: run.plan.regions.map((r) => r.region) };
  } finally {
    sdk.registerResource = registerResource;
    recorder.mocks.newResource = newResource;
  }
}

describe("program: built a part at a time (runtime/turn.ts)", () => {
  let events: Event[];
  let regionNames: string[];
  before(async () => {
    ({ events, regionNames } = await buildOrder(3, 4));
  });

  const firstConstruct = (prefix: string) => events.findIndex((e) => e.kind === "construct" && e.name.startsWith(prefix));
  const answersBefore = (index: number, prefix: string) => events.slice(0, index).filter((e) => e.kind === "answer" && e.name.startsWith(prefix)).length;

  it("answers the first region's registrations before it builds the last region", () => {
    const [first, , last] = regionNames;
    const lastStart = firstConstruct(`${last}-`);
    expect(lastStart).to.be.greaterThan(0);
    // The first region's network, cluster, services… are answered, not merely constructed, by then.
    expect(answersBefore(lastStart, `${first}-`)).to.be.greaterThan(20);
  });

  it("answers a region's first service before it builds the region's last service", () => {
    const [first] = regionNames;
    const lastService = firstConstruct(`${first}-svc-3`);
    expect(lastService).to.be.greaterThan(0);
    expect(answersBefore(lastService, `${first}-svc-0`)).to.be.greaterThan(5);
  });

  it("answers the first registration long before the last construction", () => {
    const firstAnswer = events.findIndex((e) => e.kind === "answer");
    const lastConstruct = events.map((e) => e.kind).lastIndexOf("construct");
    expect(firstAnswer).to.be.lessThan(lastConstruct / 4);
  });
});
