"""CloudFormation intrinsics resolved statically (loaders/intrinsics.py)."""

from faasguard.loaders.documents import parse
from faasguard.loaders.intrinsics import NO_VALUE, Scope, deployment_choice, resolve
from faasguard.model import Ref, Unknown


def _scope() -> Scope:
    return Scope(
        file="t.yaml",
        resources={"Table": "AWS::DynamoDB::Table", "Fn": "AWS::Lambda::Function"},
        parameters={"Stage": "prod", "Secret": Unknown("parameter Secret")},
        mappings={"Sizes": {"prod": {"Memory": 1024}, "dev": {"Memory": 128}}},
    )


def _value(yaml_text: str):
    return resolve(parse(yaml_text).data["v"], _scope())


def test_ref_to_resource_parameter_and_pseudo():
    assert _value("v: !Ref Table") == Ref("t.yaml#Table")
    assert _value("v: !Ref Stage") == "prod"
    assert _value("v: !Ref Secret") == Unknown("parameter Secret")
    assert _value("v: !Ref AWS::Region") == Unknown("AWS::Region")
    assert _value("v: !Ref NotDeclared") == Unknown("Ref NotDeclared")
    scope = _scope()
    scope.pseudo["AWS::Region"] = "eu-west-1"
    assert resolve({"Ref": "AWS::Region"}, scope) == "eu-west-1"


def test_getatt_short_and_long_forms():
    assert _value("v: !GetAtt Table.StreamArn") == Ref("t.yaml#Table", "StreamArn")
    assert _value("v: {Fn::GetAtt: [Fn, Arn]}") == Ref("t.yaml#Fn", "Arn")
    assert isinstance(_value("v: !GetAtt Missing.Arn"), Unknown)


def test_sub_renders_resources_parameters_and_variables():
    assert _value('v: !Sub "arn:aws:dynamodb:::table/${Table}-${Stage}"') == \
        "arn:aws:dynamodb:::table/${Table}-prod"
    # a resource of this template reads the same however the string was built
    assert _value('v: !Sub ["${Name}/x", {Name: !GetAtt Fn.Arn}]') == "${Fn.Arn}/x"
    assert _value('v: !Join ["", [!GetAtt Fn.Arn, /x]]') == "${Fn.Arn}/x"
    assert _value('v: !Sub "${!Literal}-${Stage}"') == "${Literal}-prod"
    # unknown parameters and pseudo parameters stay as written
    assert _value('v: !Sub "${Secret}:${AWS::AccountId}"') == "${Secret}:${AWS::AccountId}"


def test_join_select_split_findinmap_base64():
    assert _value('v: !Join ["-", [a, !Ref Stage]]') == "a-prod"
    assert _value("v: !Select [1, [x, y, z]]") == "y"
    assert isinstance(_value("v: !Select [9, [x]]"), Unknown)
    assert _value('v: !Split [",", "a,b"]') == ["a", "b"]
    assert _value("v: !FindInMap [Sizes, !Ref Stage, Memory]") == 1024
    assert isinstance(_value("v: !FindInMap [Sizes, test, Memory]"), Unknown)
    assert _value("v: !Base64 plain") == "plain"
    assert isinstance(_value("v: !ImportValue shared-arn"), Unknown)


def test_if_is_unknown_unless_both_branches_agree():
    assert _value("v: !If [IsProd, same, same]") == "same"
    assert _value("v: !If [IsProd, a, b]") == Unknown("If IsProd", ("a", "b"))


def test_an_undecided_if_lists_the_values_it_may_take():
    """Its choices: each branch's scalar value once, an unknown branch's own choices (a
    parameter's AllowedValues), nothing for a mapping or an unknown without choices."""
    scope = Scope(file="t.yaml", parameters={
        "Auth": Unknown("parameter Auth", ("AWS_IAM", "NONE")), "Free": Unknown("parameter Free")})
    assert resolve(parse("v: !If [C, NONE, !Ref Auth]").data["v"], scope) == \
        Unknown("If C", ("NONE", "AWS_IAM"))
    assert resolve(parse("v: !If [C, 5, {a: 1}]").data["v"], scope) == Unknown("If C", (5,))
    assert resolve(parse("v: !If [C, !Ref Free, !Ref Auth]").data["v"], scope).choices == \
        ("AWS_IAM", "NONE")
    nested = "v: !If [C, AWS_IAM, !If [D, NONE, !Ref Free]]"
    assert resolve(parse(nested).data["v"], scope) == Unknown("If C", ("AWS_IAM", "NONE"))


def test_lines_survive_resolution():
    doc = parse("v:\n  A: !Ref Stage\n  B:\n    - !Ref Table\n")
    resolved = resolve(doc.data["v"], _scope())
    assert resolved == {"A": "prod", "B": [Ref("t.yaml#Table")]}
    assert resolved.line_of("A") == 2
    assert resolved.line_of("B") == 3
    assert resolved["B"].line_of(0) == 4


def test_deep_nesting_is_bounded():
    value: object = "x"
    for _ in range(200):
        value = {"Fn::Base64": value}
    assert isinstance(resolve(value, _scope()), Unknown)


def test_only_what_holds_an_intrinsic_is_copied():
    data = parse("v:\n  plain: {a: 1, b: [x, 2, true, null]}\n"
                 "  mixed:\n    keep: [y]\n    ref: !Ref Table\n").data["v"]
    resolved = resolve(data, _scope())
    assert resolved["plain"] is data["plain"]  # nothing to resolve below: as read
    assert resolved["mixed"]["keep"] is data["mixed"]["keep"]
    assert resolved is not data and resolved["mixed"] is not data["mixed"]
    assert resolved["mixed"] == {"keep": ["y"], "ref": Ref("t.yaml#Table")}
    assert data["mixed"]["ref"] == {"Ref": "Table"}  # the document is left as read
    assert resolved["mixed"].line_of("ref") == 5 and resolved.line_of("mixed") == 3
    assert resolve({"a": {"b": "c"}}, _scope()) == {"a": {"b": "c"}}  # plain dicts: LDicts
    assert type(resolve({"a": {"b": "c"}}, _scope())["a"]).__name__ == "LDict"


def _conditions(yaml_text: str) -> Scope:
    scope = _scope()
    scope.conditions = dict(parse(yaml_text).data)
    return scope


def test_if_takes_the_branch_its_condition_decides():
    """Conditions are evaluated with what Refs resolve to (parameter defaults), as a
    deployment with the defaults would; undecidable ones keep the old answer."""
    scope = _conditions(
        "IsProd: !Equals [!Ref Stage, prod]\n"
        "IsDev: !Not [{Condition: IsProd}]\n"
        "Both: !And [{Condition: IsProd}, !Equals [true, true]]\n"
        "Either: !Or [{Condition: IsDev}, !Equals ['1', 1]]\n"
        "Secretive: !Equals [!Ref Secret, x]\n"
        "SecretOrProd: !Or [{Condition: Secretive}, {Condition: IsProd}]\n"
        "SecretAndDev: !And [{Condition: Secretive}, {Condition: IsDev}]\n"
        "Loop: !Not [{Condition: Loop}]\n")

    def pick(name: str) -> object:
        return resolve(parse(f"v: !If [{name}, yes-branch, no-branch]").data["v"], scope)

    assert pick("IsProd") == "yes-branch"
    assert pick("IsDev") == "no-branch"
    assert pick("Both") == "yes-branch"
    assert pick("Either") == "yes-branch"  # '1' equals 1: Fn::Equals compares strings
    assert pick("SecretOrProd") == "yes-branch"  # one true operand decides an Or
    assert pick("SecretAndDev") == "no-branch"  # one false operand decides an And
    branches = ("yes-branch", "no-branch")
    assert pick("Secretive") == Unknown("If Secretive", branches)  # no default: not decided
    assert pick("Loop") == Unknown("If Loop", branches)
    assert pick("Undeclared") == Unknown("If Undeclared", branches)


def test_a_decided_if_resolves_only_its_branch():
    scope = _conditions("IsProd: !Equals [!Ref Stage, prod]\n")
    value = resolve(parse("v: !If [IsProd, !GetAtt Table.Arn, !Ref Missing]").data["v"], scope)
    assert value == Ref("t.yaml#Table", "Arn")


def test_novalue_removes_the_key_or_item_it_is_the_value_of():
    scope = _conditions("IsProd: !Equals [!Ref Stage, dev]\n")  # false: Stage is prod
    doc = parse(
        "v:\n"
        "  Keep: 1\n"
        "  Dropped: !Ref AWS::NoValue\n"
        "  Chosen: !If [IsProd, 2, !Ref AWS::NoValue]\n"
        "  Items:\n"
        "    - first\n"
        "    - !If [IsProd, second, !Ref AWS::NoValue]\n"
        "    - third\n").data["v"]
    value = resolve(doc, scope)
    assert value == {"Keep": 1, "Items": ["first", "third"]}
    assert value["Items"].item_lines == [6, 8]
    assert resolve({"Ref": "AWS::NoValue"}, scope) is NO_VALUE
    plain = resolve({"a": {"Ref": "AWS::NoValue"}, "b": [{"Ref": "AWS::NoValue"}, 1]}, scope)
    assert plain == {"b": [1]}


def test_a_settable_default_with_other_allowed_values_is_a_deployment_choice():
    scope = Scope(file="t.yaml", parameters={"Auth": "AWS_IAM", "Fixed": "AWS_IAM"},
                  settable={"Auth", "Fixed", "Free"}, allowed={"Auth": ("AWS_IAM", "NONE"),
                                                               "Fixed": ("AWS_IAM",)})
    assert deployment_choice({"Ref": "Auth"}, scope) == \
        Unknown("parameter Auth", ("AWS_IAM", "NONE"))
    assert deployment_choice({"Ref": "Fixed"}, scope) is None  # one value: a fact
    assert deployment_choice({"Ref": "Free"}, scope) is None  # nothing listed: not guessed
    # ... unless the property lists what it takes (a function URL's AuthType)
    assert deployment_choice({"Ref": "Free"}, scope, ("AWS_IAM", "NONE")) == \
        Unknown("parameter Free", ("AWS_IAM", "NONE"), ("AWS_IAM", "NONE"))  # none written
    assert deployment_choice({"Ref": "Fixed"}, scope, ("AWS_IAM", "NONE")) is None
    scope.parameters["Unset"] = Unknown("parameter Unset")  # no default, no AllowedValues
    assert deployment_choice({"Ref": "Unset"}, scope, ("AWS_IAM", "NONE")) == \
        Unknown("parameter Unset", ("AWS_IAM", "NONE"), ("AWS_IAM", "NONE"))
    scope.parameters["Token"] = Unknown("ssm:/app/token")  # not a parameter's Unknown
    assert deployment_choice({"Ref": "Token"}, scope, ("AWS_IAM", "NONE")) is None
    assert deployment_choice("AWS_IAM", scope) is None
    scope.settable.discard("Auth")  # given (--param, samconfig): a fact
    assert deployment_choice({"Ref": "Auth"}, scope) is None


def test_a_map_keyed_by_a_settable_parameter_is_a_deployment_choice():
    """`!FindInMap [Stages, !Ref Stage, UrlAuth]`: the default's entry is what a deployment
    setting nothing gets; any other key of the map (or of Stage's possible values) may be
    deployed instead."""
    mappings = {"Stages": {"dev": {"UrlAuth": "NONE"}, "prod": {"UrlAuth": "AWS_IAM"}},
                "Auth": {"url": {"dev": "NONE", "prod": "AWS_IAM"}}}
    scope = Scope(file="t.yaml", parameters={"Stage": "prod"}, mappings=mappings,
                  settable={"Stage"})
    by_stage = {"Fn::FindInMap": ["Stages", {"Ref": "Stage"}, "UrlAuth"]}
    assert resolve(by_stage, scope) == "AWS_IAM"
    assert deployment_choice(by_stage, scope) == Unknown("parameter Stage", ("NONE", "AWS_IAM"))
    second = {"Fn::FindInMap": ["Auth", "url", {"Ref": "Stage"}]}
    assert deployment_choice(second, scope) == Unknown("parameter Stage", ("NONE", "AWS_IAM"))
    scope.allowed["Stage"] = ("prod", "qa")  # AllowedValues narrow the keys
    assert deployment_choice(by_stage, scope) is None
    scope.allowed.clear()
    scope.settable.clear()  # given (--param, samconfig): a fact
    assert deployment_choice(by_stage, scope) is None
    assert deployment_choice({"Fn::FindInMap": [{"Ref": "X"}, {"Ref": "Stage"}, "A"]},
                             scope) is None
