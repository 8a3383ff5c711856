"""Review of Terraform authorisation through a module (FG-AUTH-002): a module's route
`authorization_type = var.authorizer_id == null ? "NONE" : "JWT"` tests whether its caller
gave an authoriser. Given `aws_apigatewayv2_authorizer.jwt.id`, an id every applied
resource has, the test is decided: JWT, not 'may have no authoriser' depending on 'the
conditional on operation on an unknown value'. Left out, the default null makes it NONE.
Fixtures under tests/fixtures/review_tf_given_check."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_given_check"


def _open_routes(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-AUTH-002")]


def test_an_authoriser_id_given_to_the_module_is_never_null() -> None:
    assert _open_routes("neg") == []


def test_an_authoriser_id_left_out_is_null_and_the_route_open() -> None:
    [message] = _open_routes("pos")
    assert message.startswith("Route GET /payments/{id} (function "
                              "'module.get_payment.aws_lambda_function.this') has no authoriser")
