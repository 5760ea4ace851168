"""ComfyUI: reading workflows and images for the models they use, and ComfyUI's model folders."""
