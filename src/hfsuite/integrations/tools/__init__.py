"""Finding installed model tools (ComfyUI, A1111, Forge, SD.Next, InvokeAI, Fooocus, LM Studio,
Ollama, Stability Matrix) and their model folders.

Pure: detectors read files under the :class:`~hfsuite.integrations.tools.host.Host` they are
given and return :class:`~hfsuite.integrations.tools.model.DetectedTool` values; the entry
points are in :mod:`hfsuite.integrations.tools.detect`.
"""
