"""The Profiles tab's "Share folders…" dialog: one copy of the models, seen by two tools.

```
┌ Share model folders ──────────────────────────────────────────────────┐
│ From [A1111 ▾]   To [ComfyUI ▾]   How [ComfyUI reads them (config) ▾] │
│ Kinds [all                          ]                     [Preview]   │
│ ┌ preview ──────────────────────────────────────────────────────────┐ │
│ │ --- /home/me/ComfyUI/extra_model_paths.yaml                        │ │
│ │ +hfsuite_a1111:                                                    │ │
│ │ +  base_path: /home/me/stable-diffusion-webui                      │ │
│ └────────────────────────────────────────────────────────────────────┘ │
│ 2 kinds · the file is backed up first                  [Close] [Apply] │
└────────────────────────────────────────────────────────────────────────┘
```

The same operations as ``hfsuite share --from A --to B [--link MODE] --dry-run`` then without
``--dry-run`` (:mod:`hfsuite.app.share`): the preview is the YAML diff (or the list of links),
nothing is written before "Apply", and both run on a worker thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.share import (
    LinkOutcome,
    LinkPlan,
    LinkReport,
    YamlPlan,
    apply_links,
    apply_yaml,
    parse_kinds,
    plan_links,
    plan_yaml,
)
from hfsuite.app.tools import DetectedTool
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.tabs.profiles_icons import tool_icon
from hfsuite.ui.widgets._status import set_status

translate = QCoreApplication.translate

METHODS = (  # labels in English, shown through translate("ShareDialog", …)
    ("yaml", QT_TRANSLATE_NOOP("ShareDialog", "ComfyUI reads them (extra_model_paths.yaml)")),
    ("hardlink", QT_TRANSLATE_NOOP("ShareDialog", "Hard links in the other tool's folders")),
    ("symlink", QT_TRANSLATE_NOOP("ShareDialog", "Symbolic links in the other tool's folders")),
)


def link_preview(plan: LinkPlan) -> str:
    """A link plan as the preview box shows it."""
    lines = []
    for action in plan.actions:
        sign = {LinkOutcome.LINK: "+", LinkOutcome.PRESENT: "=", LinkOutcome.CONFLICT: "!"}[
            action.outcome
        ]
        reason = f"  ({action.reason})" if action.reason else ""
        lines.append(f"{sign} {action.kind}: {action.source} -> {action.target}{reason}")
    lines += [translate("ShareDialog", "skipped {kind}").format(kind=s) for s in plan.skipped_kinds]
    return "\n".join(lines) or translate("ShareDialog", "Nothing to link.")


class ShareDialog(QDialog):
    """Preview and apply a share between two detected tools.

    Args:
        ctx: The UI context.
        tools: The detected tools.
        parent: The parent widget.
    """

    #: A share was applied (a one-line summary).
    applied = Signal(str)
    #: A preview arrived (tests wait on it).
    previewed = Signal()

    def __init__(self, ctx: UiContext, tools: list[DetectedTool], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tools = [t for t in tools if t.kind != "ollama" or t.folders]
        self.plan: YamlPlan | LinkPlan | None = None
        self.setObjectName("share_dialog")
        self.setWindowTitle(translate("ShareDialog", "Share model folders"))
        self.resize(820, 560)
        self.from_combo = QComboBox(self)
        self.to_combo = QComboBox(self)
        for tool in self.tools:
            label = (
                tool.display_name
                if tool.name == tool.kind
                else f"{tool.display_name} ({tool.name})"
            )
            self.from_combo.addItem(tool_icon(tool.kind), label, tool.name)
            self.to_combo.addItem(tool_icon(tool.kind), label, tool.name)
        comfy = next((i for i, t in enumerate(self.tools) if t.kind == "comfyui"), 0)
        self.to_combo.setCurrentIndex(comfy)
        self.from_combo.setCurrentIndex(next((i for i in range(len(self.tools)) if i != comfy), 0))
        self.method_combo = QComboBox(self)
        for key, text in METHODS:
            self.method_combo.addItem(translate("ShareDialog", text), key)
        self.kinds_edit = QLineEdit(self)
        self.kinds_edit.setPlaceholderText(
            translate("ShareDialog", "all kinds  (e.g. loras, checkpoints)")
        )
        self.preview_button = QPushButton(translate("ShareDialog", "Preview"), self)
        self.preview_button.clicked.connect(self.preview)
        top = QHBoxLayout()
        for caption, widget in (
            (translate("ShareDialog", "From"), self.from_combo),
            (translate("ShareDialog", "To"), self.to_combo),
            (translate("ShareDialog", "How"), self.method_combo),
        ):
            top.addWidget(QLabel(caption, self))
            top.addWidget(widget, 1)
        second = QHBoxLayout()
        second.addWidget(QLabel(translate("ShareDialog", "Kinds"), self))
        second.addWidget(self.kinds_edit, 1)
        second.addWidget(self.preview_button)
        self.preview_box = QPlainTextEdit(self)
        self.preview_box.setObjectName("share_preview")
        self.preview_box.setReadOnly(True)
        self.preview_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview_box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.apply_button = self.buttons.addButton(
            translate("ShareDialog", "Apply"), QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.apply_button.setObjectName("primary")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.preview_box, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        for combo in (self.from_combo, self.to_combo):
            combo.currentIndexChanged.connect(self._choice_changed)
        self.method_combo.currentIndexChanged.connect(self._stale)
        self.kinds_edit.textChanged.connect(self._stale)
        self._choice_changed()

    def _tool(self, combo: QComboBox) -> DetectedTool | None:
        name = combo.currentData()
        return next((t for t in self.tools if t.name == name), None)

    def _choice_changed(self, *_: Any) -> None:
        target = self._tool(self.to_combo)
        method = "yaml" if target is not None and target.kind == "comfyui" else "hardlink"
        self.method_combo.setCurrentIndex(self.method_combo.findData(method))
        self._stale()

    def _stale(self, *_: Any) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)
        self.summary.setText(
            translate("ShareDialog", "Preview first: nothing is written before Apply.")
        )

    def choose(self, source: str, target: str, method: str | None = None) -> None:
        """Pick the tools (by name) and the method (tests, keyboard users)."""
        self.from_combo.setCurrentIndex(self.from_combo.findData(source))
        self.to_combo.setCurrentIndex(self.to_combo.findData(target))
        if method is not None:
            self.method_combo.setCurrentIndex(self.method_combo.findData(method))

    # --- preview and apply ------------------------------------------------------------------
    def preview(self) -> None:
        """Plan the share (nothing written) and show it."""
        source, target = self._tool(self.from_combo), self._tool(self.to_combo)
        if source is None or target is None or source.name == target.name:
            set_status(
                self.summary, "error", translate("ShareDialog", "Choose two different tools.")
            )
            return
        method = str(self.method_combo.currentData())
        kinds_text = self.kinds_edit.text().strip() or None
        self.preview_button.setEnabled(False)
        set_status(self.summary, "busy", translate("ShareDialog", "Planning…"))

        def work() -> YamlPlan | LinkPlan:
            kinds = parse_kinds(kinds_text, source)
            if method == "yaml":
                return plan_yaml(source, target, kinds)
            return plan_links(source, target, kinds, method)

        self.ctx.run_async(work, self._show, self._failed)

    def _show(self, plan: YamlPlan | LinkPlan) -> None:
        self.preview_button.setEnabled(True)
        self.plan = plan
        if isinstance(plan, YamlPlan):
            self.preview_box.setPlainText(plan.diff() or plan.new_text)
            skipped = (
                " "
                + translate("ShareDialog", "Skipped: {kinds}.").format(
                    kinds="; ".join(plan.skipped)
                )
                if plan.skipped
                else ""
            )
            if plan.changed:
                backup = " " + translate("ShareDialog", "(backed up first)") if plan.exists else ""
                text = translate(
                    "ShareDialog", "Apply writes section {section} of {path}{backup}."
                ).format(section=plan.section, path=plan.path, backup=backup)
            else:
                text = translate(
                    "ShareDialog", "{path} already has this section: nothing to change."
                ).format(path=plan.path)
            text += skipped
            set_status(self.summary, "note", text)
            self.apply_button.setEnabled(plan.changed)
        else:
            self.preview_box.setPlainText(link_preview(plan))
            links = plan.of(LinkOutcome.LINK)
            conflicts = plan.of(LinkOutcome.CONFLICT)
            count, clashes = len(links), len(conflicts)
            to_link = (
                translate("ShareDialog", "1 file to link")
                if count == 1
                else translate("ShareDialog", "%n files to link", None, count)
            )
            left_alone = (
                translate("ShareDialog", "1 conflict left alone.")
                if clashes == 1
                else translate("ShareDialog", "%n conflicts left alone.", None, clashes)
            )
            text = translate(
                "ShareDialog", "{to_link} ({size} not copied), {present} already there, {conflicts}"
            ).format(
                to_link=to_link,
                size=format_bytes(plan.bytes_to_share),
                present=len(plan.of(LinkOutcome.PRESENT)),
                conflicts=left_alone,
            )
            set_status(self.summary, "warning" if conflicts else "note", text)
            self.apply_button.setEnabled(bool(links))
        self.previewed.emit()

    def _failed(self, error: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.plan = None
        self.apply_button.setEnabled(False)
        self.preview_box.setPlainText("")
        if isinstance(error, HfSuiteError):
            set_status(self.summary, "error", f"{error.message} {error.hint or ''}".strip())
            self.previewed.emit()
        else:
            self.ctx.show_error(error)

    def apply(self) -> None:
        """Write what the preview showed."""
        plan = self.plan
        if plan is None:
            return
        self.apply_button.setEnabled(False)
        now = self.ctx.suite.clock.now()

        def work() -> str:
            if isinstance(plan, YamlPlan):
                backup = apply_yaml(plan, now=now)
                kept = (
                    translate("ShareDialog", "; the old file is kept as {name}").format(
                        name=backup.name
                    )
                    if backup
                    else ""
                )
                return translate("ShareDialog", "Wrote {section} to {path}{kept}.").format(
                    section=plan.section, path=plan.path, kept=kept
                )
            report: LinkReport = apply_links(plan)
            failed = (
                translate("ShareDialog", ", {n} failed").format(n=len(report.failed))
                if report.failed
                else ""
            )
            return translate("ShareDialog", "Linked {n} files ({size}){failed}.").format(
                n=report.linked, size=format_bytes(report.shared_bytes), failed=failed
            )

        def done(text: str) -> None:
            set_status(self.summary, "ok", text)
            self.ctx.notify(text)
            self.applied.emit(text)

        def failed(error: BaseException) -> None:
            self.apply_button.setEnabled(True)
            self._failed(error)

        self.ctx.run_async(work, done, failed)
