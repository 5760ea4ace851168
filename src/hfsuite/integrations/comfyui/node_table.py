"""Which node inputs name model files, and in which ComfyUI model folder: one data table.

Each line of :data:`LOADER_TABLE` is ``node type | widgets | model inputs``:

* **node type**: the node's ``type`` (UI JSON) or ``class_type`` (API JSON);
* **widgets**: the node's widget names in the order of its UI ``widgets_values`` (required
  inputs, then optional ones; inputs that only take a link have no widget). ``-`` when the
  order is unknown: then only API JSON (inputs by name) and UI nodes that list their widget
  inputs (``inputs[].widget.name``) can be read by name;
* **model inputs**: ``input=folder`` pairs, the folder being ComfyUI's folder key
  (``folder_paths.folder_names_and_paths``), as in a workflow's ``models[].directory``.

Adding a loader is adding a line. Core loaders come first (ComfyUI's ``nodes.py`` and
``comfy_extras``), then common custom nodes. :data:`INPUT_NAME_FOLDERS` is the fallback for a
node that is not in the table: inputs whose names the loaders share (``ckpt_name``,
``lora_name``…) are read as those folders.
"""

# ruff: noqa: E501  (the table keeps one node per line)

from __future__ import annotations

from dataclasses import dataclass

LOADER_TABLE = """
# --- core (nodes.py, comfy_extras) ---
CheckpointLoaderSimple | ckpt_name | ckpt_name=checkpoints
CheckpointLoader | config_name ckpt_name | config_name=configs ckpt_name=checkpoints
unCLIPCheckpointLoader | ckpt_name | ckpt_name=checkpoints
ImageOnlyCheckpointLoader | ckpt_name | ckpt_name=checkpoints
DiffusersLoader | model_path | model_path=diffusers
LoraLoader | lora_name strength_model strength_clip | lora_name=loras
LoraLoaderModelOnly | lora_name strength_model | lora_name=loras
VAELoader | vae_name | vae_name=vae
ControlNetLoader | control_net_name | control_net_name=controlnet
DiffControlNetLoader | control_net_name | control_net_name=controlnet
T2IAdapterLoader | t2i_adapter_name | t2i_adapter_name=controlnet
UNETLoader | unet_name weight_dtype | unet_name=diffusion_models
CLIPLoader | clip_name type device | clip_name=text_encoders
DualCLIPLoader | clip_name1 clip_name2 type device | clip_name1=text_encoders clip_name2=text_encoders
TripleCLIPLoader | clip_name1 clip_name2 clip_name3 | clip_name1=text_encoders clip_name2=text_encoders clip_name3=text_encoders
QuadrupleCLIPLoader | clip_name1 clip_name2 clip_name3 clip_name4 | clip_name1=text_encoders clip_name2=text_encoders clip_name3=text_encoders clip_name4=text_encoders
CLIPVisionLoader | clip_name | clip_name=clip_vision
StyleModelLoader | style_model_name | style_model_name=style_models
GLIGENLoader | gligen_name | gligen_name=gligen
HypernetworkLoader | hypernetwork_name strength | hypernetwork_name=hypernetworks
UpscaleModelLoader | model_name | model_name=upscale_models
PhotoMakerLoader | photomaker_model_name | photomaker_model_name=photomaker
ModelPatchLoader | name | name=model_patches
AudioEncoderLoader | audio_encoder_name | audio_encoder_name=audio_encoders
CreateHookLora | lora_name strength_model strength_clip | lora_name=loras
CreateHookLoraModelOnly | lora_name strength_model | lora_name=loras
CreateHookModelAsLora | ckpt_name strength_model strength_clip | ckpt_name=checkpoints
CreateHookModelAsLoraModelOnly | ckpt_name strength_model | ckpt_name=checkpoints
LatentUpscaleModelLoader | model_name | model_name=latent_upscale_models
LTXAVTextEncoderLoader | text_encoder ckpt_name device | text_encoder=text_encoders ckpt_name=checkpoints
LTXVAudioVAELoader | ckpt_name | ckpt_name=checkpoints
FrameInterpolationModelLoader | model_name | model_name=frame_interpolation
LoadBackgroundRemovalModel | bg_removal_name | bg_removal_name=background_removal
LoadMoGeModel | model_name | model_name=geometry_estimation
LoadDA3Model | model_name | model_name=geometry_estimation
OpticalFlowLoader | model_name | model_name=optical_flow
ConditioningLoader | conditioning_name | conditioning_name=embeddings
SAM3DBody_Loader | model_name | model_name=detection
OnnxDetectionModelLoader | yolo_model | yolo_model=detection
# --- prompt nodes: no model input, but their text may name embeddings ---
CLIPTextEncode | text | -
CLIPTextEncodeSDXLRefiner | ascore width height text | -
CLIPTextEncodeFlux | clip_l t5xxl guidance | -
CLIPTextEncodeSD3 | clip_l clip_g t5xxl empty_padding | -
# --- custom nodes ---
UnetLoaderGGUF | unet_name | unet_name=diffusion_models
UnetLoaderGGUFAdvanced | unet_name dequant_dtype patch_dtype patch_on_device | unet_name=diffusion_models
CLIPLoaderGGUF | clip_name type | clip_name=text_encoders
DualCLIPLoaderGGUF | clip_name1 clip_name2 type | clip_name1=text_encoders clip_name2=text_encoders
TripleCLIPLoaderGGUF | clip_name1 clip_name2 clip_name3 | clip_name1=text_encoders clip_name2=text_encoders clip_name3=text_encoders
QuadrupleCLIPLoaderGGUF | clip_name1 clip_name2 clip_name3 clip_name4 | clip_name1=text_encoders clip_name2=text_encoders clip_name3=text_encoders clip_name4=text_encoders
VAELoaderKJ | vae_name device weight_dtype | vae_name=vae
DiffusionModelLoaderKJ | model_name weight_dtype compute_dtype patch_cublaslinear sage_attention enable_fp16_accumulation | model_name=diffusion_models
LoraLoader|pysssss | lora_name strength_model strength_clip | lora_name=loras
CheckpointLoader|pysssss | ckpt_name | ckpt_name=checkpoints
Checkpoint Loader with Name (Image Saver) | ckpt_name | ckpt_name=checkpoints
CheckpointLoaderSimpleWithImages | ckpt_name | ckpt_name=checkpoints
UltralyticsDetectorProvider | model_name | model_name=ultralytics
SAMLoader | model_name device_mode | model_name=sams
IPAdapterModelLoader | ipadapter_file | ipadapter_file=ipadapter
InstantIDModelLoader | instantid_file | instantid_file=instantid
PulidModelLoader | pulid_file | pulid_file=pulid
ADE_LoadAnimateDiffModel | model_name | model_name=animatediff_models
ADE_AnimateDiffLoaderGen1 | model_name beta_schedule | model_name=animatediff_models
ADE_AnimateDiffLoRALoader | name strength | name=animatediff_motion_lora
FaceRestoreModelLoader | model_name | model_name=facerestore_models
RIFE VFI | ckpt_name clear_cache_after_n_frames multiplier fast_mode ensemble scale_factor | ckpt_name=rife
WanVideoModelLoader | model base_precision quantization load_device | model=diffusion_models
WanVideoVAELoader | model_name precision | model_name=vae
WanVideoLoraSelect | lora strength | lora=loras
WanVideoTextEncodeCached | model_name | model_name=text_encoders
MultiTalkModelLoader | model | model=diffusion_models
LTXVGemmaCLIPModelLoader | gemma_path ltxv_path max_length | gemma_path=text_encoders ltxv_path=checkpoints
LTXVLatentUpsamplerModelLoader | upscale_model | upscale_model=latent_upscale_models
Lora Loader Stack (rgthree) | lora_01 strength_01 lora_02 strength_02 lora_03 strength_03 lora_04 strength_04 | lora_01=loras lora_02=loras lora_03=loras lora_04=loras
"""

INPUT_NAME_FOLDERS: dict[str, str] = {
    "ckpt_name": "checkpoints",
    "lora_name": "loras",
    "vae_name": "vae",
    "unet_name": "diffusion_models",
    "control_net_name": "controlnet",
    "clip_vision_name": "clip_vision",
    "upscale_model_name": "upscale_models",
    "style_model_name": "style_models",
    "hypernetwork_name": "hypernetworks",
    "ipadapter_file": "ipadapter",
}
"""Input names that mean one folder on any node (custom loaders reuse the core names)."""

PROMPT_NODE_INPUTS: frozenset[str] = frozenset(
    {"text", "text_g", "text_l", "prompt", "t5xxl", "clip_l", "clip_g"}
)
"""Text inputs that may name embeddings (``embedding:name``) on any node."""

RGTHREE_POWER_LORA = "Power Lora Loader (rgthree)"
"""rgthree's loader keeps each LoRA as a dict widget ``{"on", "lora", "strength"}``."""


@dataclass(frozen=True)
class Loader:
    """One node type's model inputs: widget order and folder per model input."""

    node_type: str
    widgets: tuple[str, ...] | None
    folders: dict[str, str]


def _parse(table: str) -> dict[str, Loader]:
    loaders: dict[str, Loader] = {}
    for line in table.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # A node type may hold "|" itself (``LoraLoader|pysssss``): split from the right.
        node_type, widgets, inputs = (part.strip() for part in line.rsplit(" | ", 2))
        pairs = [] if inputs == "-" else inputs.split()
        folders = dict(pair.split("=", 1) for pair in pairs)
        order = None if widgets == "-" else tuple(widgets.split())
        loaders[node_type] = Loader(node_type, order, folders)
    return loaders


LOADERS: dict[str, Loader] = _parse(LOADER_TABLE)
"""Node type -> its :class:`Loader`, from :data:`LOADER_TABLE`."""
