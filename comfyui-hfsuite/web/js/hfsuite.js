// HF Download Suite: "Fetch missing models (hfsuite)" in ComfyUI's menu.
//
// Posts the open workflow (app.graph.serialize()) to the pack's route, which runs
// `hfsuite comfyui fetch WORKFLOW --comfyui BASE --yes --json`, and shows what it did.
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

const COMMAND_ID = "hfsuite.FetchMissingModels";
const LABEL = "Fetch missing models (hfsuite)";

function tell(severity, summary, detail) {
  const toast = app.extensionManager?.toast;
  if (toast?.add) {
    toast.add({ severity, summary, detail, life: severity === "error" ? 15000 : 8000 });
  } else {
    alert(`${summary}\n\n${detail}`);
  }
}

function describe(answer) {
  // a comfyui-fetch document: counts, downloaded, failed (docs/comfyui.md)
  const result = answer.result;
  if (result && typeof result === "object" && result.counts) {
    const counts = result.counts;
    const parts = [
      `${result.downloaded ?? 0} downloaded`,
      `${counts.present ?? 0} already present`,
    ];
    if (result.failed) parts.push(`${result.failed} failed`);
    if (counts.unresolved) parts.push(`${counts.unresolved} not found on the Hub`);
    if (counts.elsewhere) parts.push(`${counts.elsewhere} elsewhere on disk`);
    if (counts.refused) parts.push(`${counts.refused} refused`);
    return parts.join(", ");
  }
  if (result && typeof result === "object" && result.error) {
    return result.error.message ?? JSON.stringify(result.error);
  }
  return answer.error ?? "done";
}

async function fetchMissing() {
  tell("info", LABEL, "Looking for the workflow's models…");
  let answer;
  try {
    const response = await api.fetchApi("/hfsuite/fetch_missing", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ workflow: app.graph.serialize() }),
    });
    answer = await response.json();
  } catch (error) {
    tell("error", LABEL, `The request failed: ${error}`);
    return;
  }
  if (answer.ok) {
    tell("success", LABEL, describe(answer));
    // the loaders' combos list the new files after a refresh of the node definitions
    app.refreshComboInNodes?.();
  } else {
    tell("error", LABEL, answer.error ?? describe(answer));
  }
}

app.registerExtension({
  name: "hfsuite.FetchMissingModels",
  // the new frontend's command and menu
  commands: [{ id: COMMAND_ID, label: LABEL, function: fetchMissing }],
  menuCommands: [{ path: ["Workflow"], commands: [COMMAND_ID] }],
  async setup() {
    // the legacy floating menu: a button of its own
    const menu = document.querySelector(".comfy-menu");
    if (menu && !document.getElementById("hfsuite-fetch-missing")) {
      const button = document.createElement("button");
      button.id = "hfsuite-fetch-missing";
      button.textContent = LABEL;
      button.onclick = fetchMissing;
      menu.append(button);
    }
  },
});
