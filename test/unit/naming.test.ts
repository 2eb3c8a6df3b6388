import { expect } from "chai";
import { fitName, regionCode, providerName, LIMITS } from "../../stacks/naming";

describe("naming", () => {
  it("keeps names that fit, sanitising characters", () => {
    expect(fitName(["ecs-fleet", "dev", "web"], 32)).to.equal("ecs-fleet-dev-web");
    expect(fitName(["my stack", "a_b"], 32)).to.equal("my-stack-a-b");
    expect(fitName(["a_b"], 64, /[\w+=,.@-]/)).to.equal("a_b");
  });

  it("truncates with a stable hash that keeps long names apart", () => {
    const a = fitName(["ecs-fleet", "production-europe-main", "ap-southeast-2", "checkout"], LIMITS.targetGroup);
    const b = fitName(["ecs-fleet", "production-europe-main", "ap-southeast-2", "checkouts"], LIMITS.targetGroup);
    expect(a.length).to.be.at.most(32);
    expect(b.length).to.be.at.most(32);
    expect(a).to.not.equal(b);
    expect(a).to.equal(fitName(["ecs-fleet", "production-europe-main", "ap-southeast-2", "checkout"], LIMITS.targetGroup));
    expect(a).to.match(/^[A-Za-z0-9-]+-[0-9a-f]{6}$/);
    expect(a).to.not.match(/--|^-|-$/);
  });

  it("derives short region codes and stable provider names", () => {
    expect(regionCode("eu-west-1")).to.equal("euw1");
    expect(regionCode("ap-southeast-2")).to.equal("apse2");
    expect(regionCode("us-gov-west-1")).to.equal("usgw1");
    expect(providerName("eu-west-1")).to.equal("aws-eu-west-1");
  });
});
