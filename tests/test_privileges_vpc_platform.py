"""A function in a VPC: Lambda itself uses the role's ENI permissions, all of those the AWS
managed policy AWSLambdaVPCAccessExecutionRole grants (ec2:DescribeSubnets included, since
its version 3): none of them is 'never used', and the minimal policy keeps them."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.privileges import needs_of
from faasguard.scan import scan

TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  Group:
    Type: AWS::EC2::SecurityGroup::Id
Resources:
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      VpcConfig:
        SubnetIds: !Ref Subnets
        SecurityGroupIds: [!Ref Group]
"""


def test_vpc_permissions_of_the_managed_policy_are_used(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    result = scan(str(tmp_path))
    assert [f.message for f in result.findings if f.rule_id == "FG-PERM-101"] == []
    function = result.app.functions["template.yaml#Reader"]
    needs = needs_of(function, result.app, result.facts)
    assert needs is not None and "ec2:DescribeSubnets" in needs.all_actions()
