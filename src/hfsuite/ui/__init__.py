"""The desktop app (PySide6). Qt is imported nowhere else in the package (a test checks it).

Tabs talk only to ``hfsuite.app`` through a :class:`~hfsuite.ui.context.UiContext`; no
network, disk or database work runs on the UI thread (``ctx.run_async``).
"""
