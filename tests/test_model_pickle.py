"""model.pickle_by_fields: the App model pickles as calls of its classes (what forked
loading workers send back), and comes back equal."""

from __future__ import annotations

import copy
import pickle
from dataclasses import InitVar, dataclass, field, fields, is_dataclass

import pytest

from faasguard import model
from faasguard.model import (
    App,
    Diagnostic,
    EnvVar,
    Function,
    Location,
    Ref,
    Role,
    SourceFile,
    Statement,
    Trigger,
    Unknown,
    pickle_by_fields,
)
from tests.compiled_support import COMPILED, pure_only

MODEL_CLASSES = [value for value in vars(model).values() if isinstance(value, type)
                 and is_dataclass(value) and value.__module__ == model.__name__]


def _app() -> App:
    here = Location("api/serverless.yml", 12, 14)
    app = App(root="/srv", stage="dev")
    role = Role("api/serverless.yml#Role", here, [Statement(
        "Allow", ("s3:GetObject",), resources=(Ref("Bucket", "Arn"),),
        conditions={"Bool": {"aws:SecureTransport": "true"}}, location=here)],
        arn=Unknown("ssm parameter"))
    app.roles[role.id] = role
    app.functions["api/serverless.yml#hello"] = Function(
        "api/serverless.yml#hello", here, "serverless", runtime="python3.12",
        handler="app.handler", environment={"KEY": EnvVar("KEY", "x", Location("a", 3))},
        triggers=[Trigger("http", "api/serverless.yml#hello", here, source="GET /hello")],
        role=role.id)
    app.files.append(SourceFile("api/serverless.yml", "serverless", facts={"secrets": []}))
    app.diagnostics.append(Diagnostic("api/serverless.yml", "odd", 3, "warning"))
    return app


def test_every_model_class_pickles_by_its_fields() -> None:
    assert len(MODEL_CLASSES) >= 20
    for cls in MODEL_CLASSES:
        assert "__reduce_ex__" in vars(cls), cls.__name__
    here = Location("a.yml", 3, 5)
    assert here.__reduce_ex__(4) == (Location, ("a.yml", 3, 5))
    assert Ref("t.yaml#Fn").__reduce_ex__(4) == (Ref, ("t.yaml#Fn", None))
    assert Unknown("x").__reduce_ex__(4) == (Unknown, ("x", (), ()))  # defaults included
    assert Unknown("If C", ("NONE", "AWS_IAM")).__reduce_ex__(4) == \
        (Unknown, ("If C", ("NONE", "AWS_IAM"), ()))


def test_the_model_comes_back_equal_through_pickle_and_copy() -> None:
    app = _app()
    again = pickle.loads(pickle.dumps(app, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == app
    assert again.roles["api/serverless.yml#Role"].statements[0].resources == (
        Ref("Bucket", "Arn"),)
    assert hash(again.functions["api/serverless.yml#hello"].location) == hash(
        app.functions["api/serverless.yml#hello"].location)
    assert again.files[0].facts == {"secrets": []}  # compare=False, still carried
    assert copy.deepcopy(app) == app
    shallow = copy.copy(app)
    assert shallow == app and shallow.functions is app.functions


def test_a_shared_element_stays_shared() -> None:
    here = Location("a.yml", 1)
    app = App()
    app.diagnostics += [Diagnostic("a.yml", "one"), Diagnostic("a.yml", "two")]
    app.layers["x"] = model.Layer("x", here)
    app.budgets.append(model.Budget("b", here))
    again = pickle.loads(pickle.dumps(app))
    assert again.layers["x"].location is again.budgets[0].location


def test_a_class_the_call_would_not_rebuild_is_left_alone() -> None:
    @dataclass
    class Counted:
        name: str
        seen: int = field(default=0, init=False)

    @dataclass
    class Normalised:
        name: str

        def __post_init__(self) -> None:
            self.name = self.name.lower()

    for cls in (Counted, Normalised):
        assert pickle_by_fields(cls) is cls
        assert "__reduce_ex__" not in vars(cls)
    with pytest.raises(TypeError):
        pickle_by_fields(str)


@dataclass(frozen=True, slots=True)
class Point:
    """A frozen slotted dataclass outside the model (pickled by reference: module level)."""

    x: int
    y: int


def test_a_frozen_slotted_class_pickles_smaller_by_fields() -> None:
    points = [Point(n, n) for n in range(200)]
    before = len(pickle.dumps(points, protocol=pickle.HIGHEST_PROTOCOL))
    pickle_by_fields(Point)
    after = pickle.dumps(points, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(after) < before
    assert pickle.loads(after) == points
    assert [f.name for f in fields(Point)] == ["x", "y"]


if not COMPILED:  # (a compiled model class is native: an interpreted class cannot derive
    # from it, so the compiled build has no such subclass to pickle)
    @dataclass(slots=True)
    class NotedDiagnostic(Diagnostic):
        """A subclass of a model class, with a field of its own (module level: pickled by
        reference)."""

        note: str = ""


@pure_only("it derives an interpreted class from a model class, which compiled is native")
def test_a_subclass_of_a_model_class_comes_back_as_itself() -> None:
    noted = NotedDiagnostic("a.yml", "odd", 3, note="see b.yml")
    for again in (pickle.loads(pickle.dumps(noted, protocol=pickle.HIGHEST_PROTOCOL)),
                  copy.copy(noted), copy.deepcopy(noted)):
        assert type(again) is NotedDiagnostic and again == noted
        assert again.note == "see b.yml"


def test_a_class_whose_init_takes_other_arguments_is_left_alone() -> None:
    @dataclass
    class Scaled:  # an InitVar is an argument of __init__, not a field
        name: str
        scale: InitVar[int] = 1
        size: int = 0

    @dataclass
    class Reordered:  # a dataclass keeps an __init__ of its own
        name: str
        size: int = 0

        def __init__(self, size: int, name: str = "x") -> None:
            self.name, self.size = name, size

    @dataclass(init=False)
    class Written:
        name: str

        def __init__(self) -> None:
            self.name = "x"

    for cls in (Scaled, Reordered, Written):
        assert pickle_by_fields(cls) is cls
        assert "__reduce_ex__" not in vars(cls), cls.__name__
    assert copy.copy(Scaled("a", 2, 5)) == Scaled("a", 2, 5)
    assert copy.copy(Reordered(3, "n")) == Reordered(3, "n")
