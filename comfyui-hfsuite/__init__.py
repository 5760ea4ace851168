"""HF Download Suite nodes for ComfyUI (this folder goes into ComfyUI's ``custom_nodes/``).

* the node "HF Download (hfsuite)": a Hub file into one of ComfyUI's model folders;
* the route ``POST /hfsuite/fetch_missing`` and the menu entry "Fetch missing models (hfsuite)"
  (``web/js/hfsuite.js``): every model the open workflow names and the folders lack.

The code is in the ``comfyui_hfsuite`` package beside this file (also installable with pip).
"""

from .comfyui_hfsuite import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS, register_routes

WEB_DIRECTORY = "./web/js"

register_routes()

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS", "WEB_DIRECTORY"]
