"""Secrets never survive redaction, whatever shape they are printed in."""

from __future__ import annotations

import pytest

from hfsuite.core.redact import MASK, Redactor, redact

TOKEN = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345"


@pytest.mark.parametrize(
    "line",
    [
        f"token {TOKEN} loaded",
        f"headers={{'authorization': 'Bearer {TOKEN}'}}",
        f"Authorization: Bearer {TOKEN}",
        f"GET http://h/x?token={TOKEN}&a=1",
        f"cookie m_session_id={TOKEN}",
        f"proxy http://user:{TOKEN}@proxy:3128",
        f'{{"access_token": "{TOKEN}"}}',
    ],
)
def test_token_shapes_are_masked(line: str) -> None:
    out = redact(line)
    assert TOKEN not in out
    assert MASK in out


def test_registered_secret_of_any_shape_is_masked() -> None:
    r = Redactor()
    r.add_secret("s3cr3t-value-without-prefix")
    assert r("value is s3cr3t-value-without-prefix!") == f"value is {MASK}!"


def test_harmless_text_is_unchanged() -> None:
    text = "downloaded org/model config.json (665 bytes) from http://127.0.0.1:8000"
    assert redact(text) == text
