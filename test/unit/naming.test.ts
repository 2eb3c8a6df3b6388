import { expect } from "chai";
import { fitName, regionCode, providerName, LIMITS } from "../../stacks/naming";

describe("naming", () => {
  it("keeps names that fit, sanitising characters", () => {
    expect(fitName(["ecs-fleet", "dev", "web"], 32)).to.equal("ecs-fleet-dev-web");
    // Cleaning changed the input: the cleaned name plus a hash of the input as given.
    expect(fitName(["my stack", "a_b"], 32)).to.match(/^my-stack-a-b-[0-9a-f]{6}$/);
    expect(fitName(["a_b"], 64, /[\w+=,.@-]/)).to.equal("a_b");
  });

  it("never maps two different inputs to one name (a-b and a--b, a_b and a.b stay apart)", () => {
    expect(fitName(["p", "s", "a-b", "exec"], 64)).to.equal("p-s-a-b-exec");
    expect(fitName(["p", "s", "a--b", "exec"], 64)).to.match(/^p-s-a-b-exec-[0-9a-f]{6}$/);
    expect(fitName(["a_b"], 64)).to.not.equal(fitName(["a.b"], 64));
    expect(fitName(["a--b"], 64)).to.equal(fitName(["a--b"], 64));
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
