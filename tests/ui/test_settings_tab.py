"""Settings tab: token validation (good, bad, fine-grained, save) and inline refusal of values."""

from __future__ import annotations

from typing import Any

import pytest

from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from settings_tab_helpers import open_settings_tab

from hfsuite.ui.tabs.settings import SettingsTab

TIMEOUT = 15_000


_tab = open_settings_tab


def _validate(qtbot: Any, tab: SettingsTab, token: str) -> bool:
    tab.token_input.edit.setText(token)
    with qtbot.waitSignal(tab.token_checked, timeout=TIMEOUT) as checked:
        qtbot.mouseClick(tab.token_input.validate_button, Qt.MouseButton.LeftButton)
    return bool(checked.args[0])


def test_token_field_is_masked_with_show_hide(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    field = tab.token_input
    assert field.edit.echoMode() is QLineEdit.EchoMode.Password
    assert not field.validate_button.isEnabled()
    field.edit.setText("hf_abc")
    assert field.validate_button.isEnabled()
    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert field.revealed and field.toggle.text() == "Hide"
    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert not field.revealed
    assert tab.token_status.text() == "No token: public models only."


def test_validate_a_good_token_shows_owner_and_role(
    qtbot: Any, ctx: UiContext, hub: HubEmulator
) -> None:
    hub.add_token("hf_good_read", user="alice", role="read", orgs=["acme"])
    tab = _tab(qtbot, ctx)
    assert _validate(qtbot, tab, "hf_good_read")
    verdict = tab.token_input.status.text()
    assert verdict.startswith("✓ alice")
    assert "read token" in verdict and "orgs: acme" in verdict
    assert "hf_good_read" not in verdict


def test_validate_a_fine_grained_token_lists_scopes(
    qtbot: Any, ctx: UiContext, hub: HubEmulator
) -> None:
    hub.add_token(
        "hf_fine", user="bob", role="fineGrained", scopes={"acme/tiny": ["repo.content.read"]}
    )
    tab = _tab(qtbot, ctx)
    assert _validate(qtbot, tab, "hf_fine")
    verdict = tab.token_input.status.text()
    assert "bob" in verdict and "fine-grained token" in verdict
    assert "acme/tiny: repo.content.read" in verdict


def test_validate_a_bad_token_says_why(qtbot: Any, ctx: UiContext, hub: HubEmulator) -> None:
    tab = _tab(qtbot, ctx)
    assert not _validate(qtbot, tab, "hf_not_a_real_token")
    verdict = tab.token_input.status.text()
    assert verdict.startswith("✗ The token was refused by")
    assert "invalid or expired" in verdict and "/settings/tokens" in verdict
    assert tab.token_input.status.property("status") == "error"


def test_save_a_token_stores_it_and_shows_it_in_use(
    qtbot: Any, ctx: UiContext, hub: HubEmulator
) -> None:
    hub.add_token("hf_saved_token", user="carol", role="write")
    tab = _tab(qtbot, ctx)
    tab.token_input.edit.setText("hf_saved_token")
    with qtbot.waitSignal(tab.token_checked, timeout=TIMEOUT) as checked:
        qtbot.mouseClick(tab.token_input.save_button, Qt.MouseButton.LeftButton)
    assert checked.args[0] is True
    assert "Saved to" in tab.token_input.status.text()
    assert tab.token_input.token() == ""  # not left lying around in the field
    qtbot.waitUntil(lambda: "carol" in tab.token_status.text(), timeout=TIMEOUT)
    assert "hf_saved_token" not in tab.token_status.text()


def test_invalid_rate_is_refused_inline_and_not_saved(qtbot: Any, ctx: UiContext) -> None:
    suite = ctx.suite
    tab = _tab(qtbot, ctx)
    tab.set_text("global_limit_bps", "fast")
    with qtbot.waitSignal(tab.setting_refused, timeout=TIMEOUT) as refused:
        tab.commit("global_limit_bps")
    assert refused.args[0] == "global_limit_bps"
    message = tab.message_of("global_limit_bps")
    assert "'fast' is not accepted" in message
    assert "Allowed: a rate such as 500k, 10M or 1.5MiB" in message
    assert tab.fields["global_limit_bps"].editor.property("invalid") is True
    assert tab.fields["global_limit_bps"].read() == "fast"  # left for the user to fix
    assert suite.settings.global_limit_bps == 0
    assert "global_limit_bps" not in suite.store.read_file()[0]

    tab.set_text("global_limit_bps", "10M")
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT) as saved:
        tab.commit("global_limit_bps")
    assert saved.args == ["global_limit_bps", 10_000_000]
    assert tab.message_of("global_limit_bps") == "Saved."
    assert not tab.fields["global_limit_bps"].editor.property("invalid")
    assert suite.settings.global_limit_bps == 10_000_000
    assert suite.global_bucket.rate_bps == 10_000_000  # takes effect at once
    assert suite.store.read_file()[0]["global_limit_bps"] == 10_000_000


@pytest.mark.parametrize(
    ("key", "bad", "allowed"),
    [
        ("proxy", "ftp://proxy:21", "empty for none, or a URL with scheme"),
        ("language", "Klingon!", "system, or a language code"),
        ("modelscope_endpoint", "modelscope", "an http:// or https:// URL of ModelScope"),
        ("connections_per_file", "100", "a whole number from 1 to 64"),
        ("tasks_in_parallel", "two", "a whole number from 1 to 32"),
    ],
)
def test_other_invalid_values_are_refused_with_their_reason(
    qtbot: Any, ctx: UiContext, key: str, bad: str, allowed: str
) -> None:
    tab = _tab(qtbot, ctx)
    before = getattr(ctx.suite.settings, key)
    tab.set_text(key, bad)
    with qtbot.waitSignal(tab.setting_refused, timeout=TIMEOUT):
        tab.commit(key)
    assert allowed in tab.message_of(key)
    assert getattr(ctx.suite.settings, key) == before
    assert key not in ctx.suite.store.read_file()[0]


def test_env_set_value_is_flagged_and_spin_and_combo_save(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    # The test suite points the endpoint at the emulator through HF_ENDPOINT.
    assert "HF_ENDPOINT" in tab.message_of("endpoint")

    tab.set_text("tasks_in_parallel", "5")
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT):
        tab.commit("tasks_in_parallel")
    assert ctx.manager.tasks_in_parallel == 5

    tab.set_text("layout", "local-dir")
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT):
        tab.commit("layout")
    assert ctx.suite.settings.layout.value == "local-dir"
    assert ctx.suite.store.read_file()[0]["layout"] == "local-dir"


def test_path_selectors_save_and_respect_env_overrides(
    qtbot: Any, ctx: UiContext, tmp_path: Any
) -> None:
    tab = _tab(qtbot, ctx)
    cache = tmp_path / "my-cache"
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT):
        tab.fields["hf_cache_dir"].editor.set_path(cache, emit=True)  # as the dialog does
    assert ctx.suite.settings.hub_cache == cache
    assert ctx.suite.store.read_file()[0]["hf_cache_dir"] == str(cache)

    # The tests set HFSUITE_DOWNLOAD_DIR: the file gets the value, the environment still wins.
    models = tmp_path / "models"
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT):
        tab.fields["download_dir"].editor.set_path(models, emit=True)
    assert ctx.suite.store.read_file()[0]["download_dir"] == str(models)
    assert ctx.suite.settings.download_dir == tmp_path / "downloads"
    assert "HFSUITE_DOWNLOAD_DIR from the environment is in effect" in tab.message_of(
        "download_dir"
    )
