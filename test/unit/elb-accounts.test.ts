import { expect } from "chai";
import { ELB_ACCOUNT_IDS, ELB_LOG_DELIVERY_SERVICE, elbLogPrincipal } from "../../stacks/elb-accounts";
import { KNOWN_REGIONS } from "../../stacks/regions";

describe("ELB access log writers (stacks/elb-accounts.ts)", () => {
  it("regions available before August 2022: the regional ELB account, as an IAM root ARN", () => {
    expect(elbLogPrincipal("us-east-1")).to.deep.equal({ AWS: "arn:aws:iam::127311923021:root" });
    expect(elbLogPrincipal("eu-west-1")).to.deep.equal({ AWS: "arn:aws:iam::156460612806:root" });
    expect(elbLogPrincipal("ap-southeast-2")).to.deep.equal({ AWS: "arn:aws:iam::783225319266:root" });
    expect(elbLogPrincipal("ap-southeast-3")).to.deep.equal({ AWS: "arn:aws:iam::589379963580:root" });
  });

  it("GovCloud and China: the account ARN in the region's partition", () => {
    expect(elbLogPrincipal("us-gov-west-1")).to.deep.equal({ AWS: "arn:aws-us-gov:iam::048591011584:root" });
    expect(elbLogPrincipal("cn-north-1")).to.deep.equal({ AWS: "arn:aws-cn:iam::638102146993:root" });
  });

  it("regions opened in August 2022 or later: the log delivery service principal", () => {
    for (const region of ["eu-central-2", "eu-south-2", "ap-south-2", "ap-southeast-4", "me-central-1", "il-central-1", "ca-west-1", "mx-central-1"]) {
      expect(elbLogPrincipal(region), region).to.deep.equal({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    }
    expect(ELB_LOG_DELIVERY_SERVICE).to.equal("logdelivery.elasticloadbalancing.amazonaws.com");
  });

  it("the table: only known regions, 12-digit account ids, each id once; frozen", () => {
    const ids = Object.values(ELB_ACCOUNT_IDS);
    expect(Object.keys(ELB_ACCOUNT_IDS)).to.have.length(26);
    for (const [region, id] of Object.entries(ELB_ACCOUNT_IDS)) {
      expect(KNOWN_REGIONS, region).to.include(region);
      expect(id, region).to.match(/^\d{12}$/);
    }
    expect(new Set(ids).size).to.equal(ids.length);
    expect(Object.isFrozen(ELB_ACCOUNT_IDS)).to.equal(true);
    // Not a prototype lookup: a region named like an Object method is a new region.
    expect(elbLogPrincipal("constructor")).to.deep.equal({ Service: ELB_LOG_DELIVERY_SERVICE });
  });
});
