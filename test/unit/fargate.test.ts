import { expect } from "chai";
import { FARGATE_SIZES, fargateSizeProblem, isFargateSize, cpuUnitsToVcpu } from "../../stacks/fargate";

describe("Fargate task sizes", () => {
  // The table of shared/aws-facts.md, written out independently of the implementation.
  const table: [number, number, number, number][] = [
    [256, 512, 2048, 0],
    [512, 1024, 4096, 1024],
    [1024, 2048, 8192, 1024],
    [2048, 4096, 16384, 1024],
    [4096, 8192, 30720, 1024],
    [8192, 16384, 61440, 4096],
    [16384, 32768, 122880, 8192],
  ];

  it("accepts every pair in the table (including 1024/2048, which CDK once rejected)", () => {
    let count = 0;
    for (const [cpu, from, to, step] of table) {
      const sizes = step === 0 ? [512, 1024, 2048] : Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
      for (const memory of sizes) {
        expect(isFargateSize(cpu, memory), `${cpu}/${memory}`).to.equal(true);
        expect(fargateSizeProblem(cpu, memory)).to.equal(undefined);
        count++;
      }
    }
    expect(count).to.equal([...FARGATE_SIZES.values()].reduce((n, s) => n + s.length, 0));
    expect(isFargateSize(1024, 2048)).to.equal(true);
  });

  it("rejects pairs just outside each row", () => {
    for (const [cpu, from, to, step] of table) {
      expect(isFargateSize(cpu, from - (step || 512)), `${cpu} below`).to.equal(false);
      expect(isFargateSize(cpu, to + (step || 1024)), `${cpu} above`).to.equal(false);
    }
    expect(isFargateSize(8192, 18432)).to.equal(false); // 8192 steps by 4096
    expect(fargateSizeProblem(128, 512)).to.deep.equal({ field: "cpu", message: "Fargate allows 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units, got 128" });
    expect(fargateSizeProblem(8192, 18432)).to.deep.equal({ field: "memory", message: "8192 CPU units allow 16384 to 61440 in steps of 4096 MiB, got 18432" });
  });

  it("converts CPU units to Batch vCPU strings", () => {
    expect([256, 512, 1024, 4096, 16384].map(cpuUnitsToVcpu)).to.deep.equal(["0.25", "0.5", "1", "4", "16"]);
  });
});
