/** test/helpers.ts `sharedRun`: one program run per input, shared, with the recorder refilled. */
import { expect } from "chai";
import { recorder, sharedRun, sharedRunCount } from "../helpers";
import { rawConfig, validConfig } from "../config-fixtures";

const NOW = new Date("2026-11-24T00:00:00Z");

describe("sharedRun (test/helpers.ts)", () => {
  const raw = rawConfig(validConfig({}));

  it("runs the program once per input and hands later callers the same run", async () => {
    const before = sharedRunCount();
    const first = await sharedRun({ stack: "shared-a", raw, now: NOW });
    const second = await sharedRun({ stack: "shared-a", raw: { ...raw }, now: new Date(NOW) });
    expect(second).to.equal(first);
    expect(sharedRunCount()).to.equal(before + 1);
  });

  it("refills the recorder with the run's resources and invokes on a shared hit", async () => {
    const run = await sharedRun({ stack: "shared-a", raw, now: NOW });
    if (!run.ok) throw new Error("invalid");
    expect(recorder.resources.map((r) => r.urn)).to.deep.equal(run.resources.map((r) => r.urn));
    expect(recorder.invokes).to.have.length(run.invokes.length);
    // The recorder's lookups work on the refilled records too.
    const provider = run.resources.find((r) => r.type === "pulumi:providers:aws")!;
    expect(recorder.regionOf(`${provider.urn}::id`)).to.equal(provider.region);
  });

  it("runs again for another stack, config or clock", async () => {
    const before = sharedRunCount();
    await sharedRun({ stack: "shared-b", raw, now: NOW });
    await sharedRun({ stack: "shared-a", raw, now: new Date("2026-11-25T00:00:00Z") });
    expect(sharedRunCount()).to.equal(before + 2);
  });

  it("freezes what it shares, so a test cannot change another test's run", async () => {
    const run = await sharedRun({ stack: "shared-a", raw, now: NOW });
    if (!run.ok) throw new Error("invalid");
    expect(() => {
      (run.resources[0].inputs as Record<string, unknown>).x = 1;
    }).to.throw(TypeError);
  });
});
