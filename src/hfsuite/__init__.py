"""HF Download Suite: find, download and organise AI models.

Layers (see docs/architecture.md): ``ui``/``cli`` → ``app`` → {``engine``, ``sources``, ``storage``,
``library``, ``integrations``, ``config``} → ``core``; ``testing`` holds the Hub emulator.
"""

__version__ = "0.1.0"
