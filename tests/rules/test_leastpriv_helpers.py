"""FG-PERM-101's verdict on how much a role grants: the whole catalogue only when every
catalogued action is granted (counted only when no sentinel action is missing)."""

from __future__ import annotations

from faasguard.analysis.iam_catalog import expand
from faasguard.analysis.privileges import all_action_count
from faasguard.rules.leastpriv import _everything, _granted


def test_only_every_catalogued_action_is_everything():
    everything = _granted(frozenset(expand("*"))).level_of
    assert len(everything) == all_action_count()
    assert _everything(everything)
    assert not _everything(_granted(frozenset(expand("s3:*"))).level_of)
    # the sentinels granted, yet one action missing: the count decides
    almost = dict(everything)
    almost.pop(next(name for name in almost if name.startswith("lambda:")))
    assert not _everything(almost)
    assert not _everything({})


def test_granted_levels_whatever_the_spelling():
    """Names as `expand` spells them and names in another case get the same level;
    names the catalogue does not know are left out."""
    granted = _granted(frozenset({"iam:PassRole", "S3:GETOBJECT", "custom:Unknown"}))
    assert granted.level_of == {"iam:passrole": "Permissions management",
                                "s3:getobject": "Read"}
    assert granted.names == ["S3:GETOBJECT", "iam:PassRole"]
    assert granted.totals == {"Permissions management": 1, "Read": 1}
    assert granted.high == [("iam:PassRole", "iam:passrole")]


def test_wildcard_patterns_lists_the_actions_holding_a_star() -> None:
    from faasguard.rules.iam_tables import wildcard_patterns

    actions = ("s3:GetObject", "s3:Get*", "*", "dynamodb:*", "sqs:SendMessage")
    assert wildcard_patterns(actions) == ("s3:Get*", "*", "dynamodb:*")
    assert wildcard_patterns(actions) is wildcard_patterns(tuple(actions))  # once per list
    assert wildcard_patterns(("s3:GetObject",)) == ()
    odd = ("s3:*", {"Fn::Sub": "${Service}:*"}, "ec2:Describe*")  # unhashable: looked at alone
    assert wildcard_patterns(odd) == ("s3:*", "ec2:Describe*")
