"""Browse tab against the emulator: search, filters, paging, model card, files, download."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.types import Layout, TaskState
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt

from hfsuite.ui.tabs.browse import BrowseTab
from hfsuite.ui.tabs.browse_repo import card_markdown

TIMEOUT = 15_000
CARD = b"---\nlicense: apache-2.0\ntags: [llm]\n---\n# Tiny Llama\n\nA **small** model.\n"


def _blob(size: int, seed: int) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(size))


FILES = {
    "README.md": CARD,
    "config.json": b'{"model_type": "llama"}',
    "model.safetensors": _blob(600_000, 3),
    "tokenizer.json": _blob(40_000, 5),
    "extra/optimizer.pt": _blob(300_000, 7),
}


@pytest.fixture
def repos(hub: HubEmulator) -> HubEmulator:
    hub.create_repo(
        "acme/tiny-llama",
        files=FILES,
        lfs_threshold=100_000,
        downloads=12_345,
        likes=67,
        pipeline_tag="text-generation",
        library_name="transformers",
        tags=["transformers", "llama", "license:apache-2.0"],
        card_data={"license": "apache-2.0"},
    )
    hub.create_repo(
        "acme/tiny-diffusion",
        files={"model_index.json": b"{}"},
        downloads=500,
        likes=900,
        pipeline_tag="text-to-image",
        library_name="diffusers",
        gated="auto",
    )
    hub.create_repo("other/bert-small", files={"config.json": b"{}"}, downloads=99)
    return hub


def _tab(qtbot: Any, ctx: UiContext) -> BrowseTab:
    tab = BrowseTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT)
    return tab


def _ids(tab: BrowseTab) -> list[str]:
    return [h.id for h in tab.results.hits]


def test_first_page_lists_popular_models(qtbot: Any, ctx: UiContext, repos: HubEmulator) -> None:
    tab = _tab(qtbot, ctx)
    assert _ids(tab) == ["acme/tiny-llama", "acme/tiny-diffusion", "other/bert-small"]
    assert "3 models" in tab.results_status.text()


def test_search_filters_and_sort(qtbot: Any, ctx: UiContext, repos: HubEmulator) -> None:
    tab = _tab(qtbot, ctx)
    tab.search_bar.setText("tiny")
    tab.search_bar.search_now()
    both = ["acme/tiny-llama", "acme/tiny-diffusion"]
    qtbot.waitUntil(lambda: _ids(tab) == both, timeout=TIMEOUT)
    assert tab.search_bar.history[0] == "tiny"

    tab.sort_combo.setCurrentIndex(tab.sort_combo.findData("likes"))
    tab.search()
    qtbot.waitUntil(lambda: _ids(tab) == both[::-1], timeout=TIMEOUT)

    tab.task_combo.setCurrentIndex(tab.task_combo.findData("text-generation"))
    tab.search()
    qtbot.waitUntil(lambda: _ids(tab) == ["acme/tiny-llama"], timeout=TIMEOUT)

    tab.task_combo.setCurrentIndex(0)
    tab.search_bar.clear()
    tab.author_edit.setText("other")
    tab.search()
    qtbot.waitUntil(lambda: _ids(tab) == ["other/bert-small"], timeout=TIMEOUT)


def test_search_bar_debounces_typing(qtbot: Any) -> None:
    from hfsuite.ui.widgets.search_bar import SearchBar

    bar = SearchBar(debounce_ms=80)
    qtbot.addWidget(bar)
    seen: list[str] = []
    bar.search_requested.connect(seen.append)
    qtbot.keyClicks(bar, "llama")
    qtbot.waitUntil(lambda: seen == ["llama"], timeout=2_000)
    assert bar.history == ["llama"]
    bar.set_history(["a", "b", "a", ""])
    assert bar.history == ["a", "b"]


def test_results_page_on_scroll(qtbot: Any, ctx: UiContext, hub: HubEmulator) -> None:
    from hfsuite.ui.tabs import browse

    for i in range(7):
        hub.create_repo(f"org/model-{i}", files={"a.txt": b"x"}, downloads=100 - i)
    old = browse.PAGE_SIZE
    browse.PAGE_SIZE = 3
    try:
        tab = _tab(qtbot, ctx)
        qtbot.waitUntil(lambda: len(_ids(tab)) == 7, timeout=TIMEOUT)  # fetchMore on each page
    finally:
        browse.PAGE_SIZE = old
    assert _ids(tab) == [f"org/model-{i}" for i in range(7)]
    assert not tab.results.has_more


def test_open_model_select_two_files_and_download_exactly_those(
    qtbot: Any, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(qtbot, ctx)
    tab.select_result(0)
    qtbot.waitUntil(lambda: tab.opened is not None, timeout=TIMEOUT)
    details = tab.opened
    assert details is not None and details.id == "acme/tiny-llama"
    card = tab.repo_pane.card_view.toPlainText()
    assert "Tiny Llama" in card and "small" in card and "license:" not in card
    meta = tab.repo_pane.meta_label.text()
    assert "apache-2.0" in meta and "not gated" in meta
    assert tab.files_model.rowCount() == len(FILES)
    assert not tab.download_bar.download_selected_button.isEnabled()

    # Tick two boxes the way a click does (CheckStateRole on column 0).
    wanted = ["config.json", "model.safetensors"]
    model = tab.files_model
    for row, entry in enumerate(model.files):
        if entry.path in wanted:
            index = model.index(row, 0)
            model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert sorted(model.checked_paths()) == wanted
    label = tab.download_bar.selection_label.text()
    assert "2 of 5 files" in label and "586 KiB" in label  # 600,000 + 23 bytes
    assert tab.download_bar.download_selected_button.isEnabled()

    dest = tmp_path / "picked"
    tab.download_bar.set_destination(Destination.folder(dest))
    with qtbot.waitSignal(tab.tasks_queued, timeout=TIMEOUT) as queued:
        qtbot.mouseClick(tab.download_bar.download_selected_button, Qt.MouseButton.LeftButton)
    (task_id,) = queued.args[0]
    manager = ctx.manager

    def finished() -> bool:
        task = manager.get(task_id)
        return task is not None and task.state in (TaskState.COMPLETED, TaskState.FAILED)

    qtbot.waitUntil(finished, timeout=30_000)
    task = manager.get(task_id)
    assert task is not None and task.state is TaskState.COMPLETED, task.error
    assert task.layout is Layout.LOCAL_DIR and Path(task.destination) == dest
    on_disk = sorted(
        os.path.relpath(os.path.join(root, name), dest)
        for root, dirs, names in os.walk(dest)
        for name in names
        if ".cache" not in Path(root).relative_to(dest).parts
    )
    assert on_disk == wanted
    for path in wanted:
        assert (dest / path).read_bytes() == FILES[path]


def test_download_all_to_hf_cache(
    qtbot: Any, ctx: UiContext, repos: HubEmulator, tmp_path: Path
) -> None:
    tab = _tab(qtbot, ctx)
    tab.open_repo("other/bert-small")
    qtbot.waitUntil(lambda: tab.opened is not None, timeout=TIMEOUT)
    assert tab.download_bar.selected_kind() is DestinationKind.HF_CACHE
    assert Path(tab.download_bar.dest_selector.path()) == ctx.suite.settings.hub_cache
    with qtbot.waitSignal(tab.tasks_queued, timeout=TIMEOUT) as queued:
        tab.download_bar.download_all()
    (task_id,) = queued.args[0]
    qtbot.waitUntil(
        lambda: (t := ctx.manager.get(task_id)) is not None and t.state is TaskState.COMPLETED,
        timeout=30_000,
    )
    snapshots = ctx.suite.settings.hub_cache / "models--other--bert-small" / "snapshots"
    assert [p.name for p in snapshots.glob("*/*")] == ["config.json"]


def test_gated_model_and_missing_card(qtbot: Any, ctx: UiContext, repos: HubEmulator) -> None:
    tab = _tab(qtbot, ctx)
    tab.open_repo("acme/tiny-diffusion")
    qtbot.waitUntil(lambda: tab.opened is not None, timeout=TIMEOUT)
    meta = tab.repo_pane.meta_label.text()
    assert "gated" in meta and "not gated" not in meta
    assert "no model card" in tab.repo_pane.card_view.toPlainText()
    assert tab.repo_pane.web_view is None or tab.detail_tabs.count() == 3


def test_unknown_repo_shows_the_error(qtbot: Any, ctx: UiContext, repos: HubEmulator) -> None:
    shown: list[BaseException] = []
    ctx.error_presenter = shown.append
    tab = _tab(qtbot, ctx)
    tab.open_repo("acme/nope")
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert "acme/nope" in tab.repo_pane.meta_label.text()


def test_card_markdown_strips_front_matter() -> None:
    assert card_markdown("---\na: 1\n---\n# T\n") == "# T"
    assert "no model card" in card_markdown(None)
