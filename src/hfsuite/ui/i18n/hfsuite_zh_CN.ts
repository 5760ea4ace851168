<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddDialog</name>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Add downloads</source>
        <extracomment>Tasks were added (their ids). A preview arrived (tests wait on it).</extracomment>
        <translation>添加下载</translation>
    </message>
    <message>
        <source>One repository per line: org/name, a Hub URL, hf://datasets/org/name, or a file URL. Paste, or drop links and text files here.</source>
        <translation>每行一个仓库：org/name、Hub 网址、hf://datasets/org/name 或文件网址。可以粘贴，也可以把链接和文本文件拖放到这里。</translation>
    </message>
    <message>
        <source>Hugging Face cache</source>
        <translation>Hugging Face 缓存</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>One folder per repository</source>
        <translation>每个仓库一个文件夹</translation>
    </message>
    <message>
        <source>Add paused</source>
        <translation>添加后暂停</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Repository / file</source>
        <translation>仓库 / 文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>磁盘上</translation>
    </message>
    <message>
        <source>Type or paste names to see what they download.</source>
        <translation>输入或粘贴名称，即可看到将要下载的内容。</translation>
    </message>
    <message>
        <source>Refresh plan</source>
        <translation>刷新计划</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <source>line {n}: {text}</source>
        <translation>第 {n} 行：{text}</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n} 个文件</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>已完整</translation>
    </message>
    <message>
        <source>partial ({size})</source>
        <translation>部分（{size}）</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <source>1 repository</source>
        <translation>1 个仓库</translation>
    </message>
    <message>
        <source>%n repositories</source>
        <translation>%n 个仓库</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>%n files</source>
        <translation>%n 个文件</translation>
    </message>
    <message>
        <source>{size} total</source>
        <translation>共 {size}</translation>
    </message>
    <message>
        <source>{size} to download</source>
        <translation>需下载 {size}</translation>
    </message>
    <message>
        <source>{size} free</source>
        <translation>可用 {size}</translation>
    </message>
    <message>
        <source>1 line skipped</source>
        <translation>跳过 1 行</translation>
    </message>
    <message>
        <source>%n lines skipped</source>
        <translation>跳过 %n 行</translation>
    </message>
    <message>
        <source>not enough free space</source>
        <translation>可用空间不足</translation>
    </message>
    <message>
        <source>Add %n</source>
        <translation>添加 %n 个</translation>
    </message>
    <message>
        <source>Added 1 download.</source>
        <translation>已添加 1 个下载。</translation>
    </message>
    <message>
        <source>Added %n downloads.</source>
        <translation>已添加 %n 个下载。</translation>
    </message>
</context>
<context>
    <name>BrowseTab</name>
    <message>
        <source>Most downloads</source>
        <translation>下载最多</translation>
    </message>
    <message>
        <source>Most likes</source>
        <translation>点赞最多</translation>
    </message>
    <message>
        <source>Trending</source>
        <translation>热门趋势</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <source>Search models on the Hub…  ({keys})</source>
        <extracomment>A search finished (its number of hits on the first page). A repository&apos;s details are shown. Tasks were queued (their ids). The shown repository: header, card, files and download bar. The destination chooser and download buttons. The shown repository&apos;s files, ticked or not. Model card, Files and (with QtWebEngine) Web page.</extracomment>
        <translation>在 Hub 上搜索模型…  （{keys}）</translation>
    </message>
    <message>
        <source>Any task</source>
        <translation>任意任务</translation>
    </message>
    <message>
        <source>Any library</source>
        <translation>任意库</translation>
    </message>
    <message>
        <source>Author or org</source>
        <translation>作者或组织</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>Search failed: {error}</source>
        <translation>搜索失败：{error}</translation>
    </message>
    <message>
        <source>scroll for more</source>
        <translation>向下滚动查看更多</translation>
    </message>
    <message>
        <source>No models match. Try fewer filters.</source>
        <translation>没有匹配的模型。请减少筛选条件。</translation>
    </message>
    <message>
        <source>1 model</source>
        <translation>1 个模型</translation>
    </message>
    <message>
        <source>%n models</source>
        <translation>%n 个模型</translation>
    </message>
    <message>
        <source>Loading more…</source>
        <translation>正在加载更多…</translation>
    </message>
    <message>
        <source>More results failed: {error}</source>
        <translation>加载更多结果失败：{error}</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>No downloads in this period</source>
        <translation>此期间没有下载</translation>
    </message>
    <message>
        <source>Nothing yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>ComfyUIModel</name>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>可信度</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>✓ present</source>
        <extracomment>What each state is called in the Status column.</extracomment>
        <translation>✓ 已存在</translation>
    </message>
    <message>
        <source>elsewhere on disk</source>
        <translation>在磁盘其他位置</translation>
    </message>
    <message>
        <source>missing · download</source>
        <translation>缺失 · 可下载</translation>
    </message>
    <message>
        <source>missing · not found</source>
        <translation>缺失 · 未找到</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>inactive</source>
        <translation>未启用</translation>
    </message>
    <message>
        <source>waiting to download</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <source>download failed</source>
        <translation>下载失败</translation>
    </message>
    <message>
        <source>declared in the workflow</source>
        <translation>工作流中声明</translation>
    </message>
    <message>
        <source>  (in {subgraph})</source>
        <translation>  （在 {subgraph} 中）</translation>
    </message>
    <message>
        <source>downloading {percent} %</source>
        <translation>下载中 {percent} %</translation>
    </message>
</context>
<context>
    <name>ComfyUITab</name>
    <message>
        <source>Workflows and images (*.json *.png *.webp *.jpg *.jpeg *.flac *.mp4 *.webm *.mov *.txt);;All files (*)</source>
        <extracomment>Files the Open dialog offers (workflows, and the media ComfyUI writes its workflow into).</extracomment>
        <translation>工作流和图像 (*.json *.png *.webp *.jpg *.jpeg *.flac *.mp4 *.webm *.mov *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open…</source>
        <extracomment>A check finished (its MissingReport). &quot;Download missing&quot; finished (the steps, each with its result). The ComfyUI installs were detected (how many). Asks the user to confirm a download (text) -&gt; yes/no; tests replace it.</extracomment>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a workflow (.json) or an image/video ComfyUI made ({keys})</source>
        <translation>打开工作流（.json）或 ComfyUI 生成的图像/视频（{keys}）</translation>
    </message>
    <message>
        <source>Paste JSON</source>
        <translation>粘贴 JSON</translation>
    </message>
    <message>
        <source>Check the workflow JSON the clipboard holds ({keys})</source>
        <translation>检查剪贴板中的工作流 JSON（{keys}）</translation>
    </message>
    <message>
        <source>The ComfyUI install whose model folders are checked</source>
        <translation>要检查其模型文件夹的 ComfyUI 安装</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>Use another ComfyUI install folder</source>
        <translation>使用另一个 ComfyUI 安装文件夹</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Look for the models again and resolve the missing ones ({keys})</source>
        <translation>重新查找模型并解析缺失的模型（{keys}）</translation>
    </message>
    <message>
        <source>Download missing</source>
        <translation>下载缺失模型</translation>
    </message>
    <message>
        <source>Download every missing model that was found, into the folder ComfyUI loads it from ({keys})</source>
        <translation>下载所有已找到来源的缺失模型，放到 ComfyUI 加载它们的文件夹中（{keys}）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop downloading: the file being downloaded keeps its partial data, the others stay missing (Esc)</source>
        <translation>停止下载：正在下载的文件保留已下载的部分（可断点续传），其余仍为缺失（Esc）</translation>
    </message>
    <message>
        <source>ComfyUI:</source>
        <translation>ComfyUI：</translation>
    </message>
    <message>
        <source>References of muted or bypassed nodes: ComfyUI does not load them, so they are not checked</source>
        <translation>已静音或已绕过节点的引用：ComfyUI 不会加载它们，因此不检查</translation>
    </message>
    <message>
        <source>Drop a ComfyUI workflow (.json) or an image or video ComfyUI made here,
open one, or paste workflow JSON.

Every model it loads is looked for in the ComfyUI install chosen above;
the missing ones are found (the workflow&apos;s own links, the known-models index,
your downloads and library, a Hub search) and downloaded into the right folder.</source>
        <translation>把 ComfyUI 工作流（.json）或 ComfyUI 生成的图像、视频拖放到这里，
也可以打开文件或粘贴工作流 JSON。

它加载的每个模型都会在上方选择的 ComfyUI 安装中查找；
缺失的模型会自动寻找来源（工作流自带的链接、已知模型索引、
你的下载记录和模型库、Hub 搜索），并下载到正确的文件夹。</translation>
    </message>
    <message>
        <source>Other places this file was found, best first</source>
        <translation>找到此文件的其他来源，最佳的在前</translation>
    </message>
    <message>
        <source>Use this one</source>
        <translation>使用这个</translation>
    </message>
    <message>
        <source>Download the selected candidate instead</source>
        <translation>改为下载选中的候选来源</translation>
    </message>
    <message>
        <source>Other candidates</source>
        <translation>其他候选来源</translation>
    </message>
    <message>
        <source>Open workflow…</source>
        <translation>打开工作流…</translation>
    </message>
    <message>
        <source>Paste workflow JSON</source>
        <translation>粘贴工作流 JSON</translation>
    </message>
    <message>
        <source>Copy file name</source>
        <translation>复制文件名</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Cancel the downloads</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>No ComfyUI found — choose its folder</source>
        <translation>未找到 ComfyUI——请选择其文件夹</translation>
    </message>
    <message>
        <source>ComfyUI install folder</source>
        <translation>ComfyUI 安装文件夹</translation>
    </message>
    <message>
        <source>Open a ComfyUI workflow</source>
        <translation>打开 ComfyUI 工作流</translation>
    </message>
    <message>
        <source>The clipboard holds no workflow JSON.</source>
        <translation>剪贴板中没有工作流 JSON。</translation>
    </message>
    <message>
        <source>Checking {name}…</source>
        <translation>正在检查 {name}…</translation>
    </message>
    <message>
        <source>Inactive nodes (muted or bypassed): {n}</source>
        <translation>未启用的节点（已静音或已绕过）：{n}</translation>
    </message>
    <message>
        <source>No inactive nodes</source>
        <translation>没有未启用的节点</translation>
    </message>
    <message>
        <source>{n} references</source>
        <translation>{n} 个引用</translation>
    </message>
    <message>
        <source>present</source>
        <translation>已存在</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>elsewhere on disk</source>
        <translation>在磁盘其他位置</translation>
    </message>
    <message>
        <source>to download</source>
        <translation>待下载</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>pasted JSON</source>
        <translation>粘贴的 JSON</translation>
    </message>
    <message>
        <source>Copy download URL</source>
        <translation>复制下载网址</translation>
    </message>
    <message>
        <source>Download missing models</source>
        <translation>下载缺失的模型</translation>
    </message>
    <message>
        <source>Nothing to download: no missing model was found anywhere.</source>
        <translation>没有可下载的内容：所有缺失的模型都没有找到来源。</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 还有 {n} 个</translation>
    </message>
    <message>
        <source>Download {n} file(s), {size} into {folder}?</source>
        <translation>下载 {n} 个文件（{size}）到 {folder}？</translation>
    </message>
    <message>
        <source>Download {n} file(s) into {folder}?</source>
        <translation>下载 {n} 个文件到 {folder}？</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{done} of {n} missing model(s) downloaded</source>
        <translation>已下载 {done}/{n} 个缺失模型</translation>
    </message>
    <message>
        <source>; {n} failed</source>
        <translation>；{n} 个失败</translation>
    </message>
    <message>
        <source>Cancelled: the partial download is kept; Download missing resumes it</source>
        <translation>已取消：已下载的部分会保留；“下载缺失模型”会断点续传</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Subgraph</source>
        <translation>子图</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Found at</source>
        <translation>找到位置</translation>
    </message>
    <message>
        <source>Goes to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <source>Declared URL</source>
        <translation>声明的网址</translation>
    </message>
    <message>
        <source>Declared hash</source>
        <translation>声明的哈希</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Download error</source>
        <translation>下载错误</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>改变</translation>
    </message>
    <message>
        <source>same</source>
        <translation>相同</translation>
    </message>
    <message>
        <source>commit {commit}</source>
        <translation>提交 {commit}</translation>
    </message>
    <message>
        <source>license {license}</source>
        <translation>许可证 {license}</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>%n files</source>
        <translation>%n 个文件</translation>
    </message>
    <message>
        <source>tags: {tags}</source>
        <translation>标签：{tags}</translation>
    </message>
    <message>
        <source>Compare models</source>
        <extracomment>A comparison arrived (its ComparisonResult). A comparison failed (the error).</extracomment>
        <translation>比较模型</translation>
    </message>
    <message>
        <source>{side}: org/name, org/name@revision or a local path</source>
        <translation>{side}：org/name、org/name@修订版本或本地路径</translation>
    </message>
    <message>
        <source>Swap A and B</source>
        <translation>交换 A 和 B</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Show unchanged files</source>
        <translation>显示未改变的文件</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Give both A and B.</source>
        <translation>请同时填写 A 和 B。</translation>
    </message>
    <message>
        <source>Comparing {a} with {b}…</source>
        <translation>正在比较 {a} 与 {b}…</translation>
    </message>
    <message>
        <source>The comparison failed: {error}</source>
        <translation>比较失败：{error}</translation>
    </message>
    <message>
        <source>same total size</source>
        <translation>总大小相同</translation>
    </message>
    <message>
        <source>B is {size} larger</source>
        <translation>B 大 {size}</translation>
    </message>
    <message>
        <source>B is {size} smaller</source>
        <translation>B 小 {size}</translation>
    </message>
    <message>
        <source>A and B are the same.</source>
        <translation>A 与 B 相同。</translation>
    </message>
    <message>
        <source>Files: {counts}</source>
        <translation>文件：{counts}</translation>
    </message>
    <message>
        <source>Files ({count})</source>
        <translation>文件（{count}）</translation>
    </message>
    <message>
        <source>Header ({count})</source>
        <translation>文件头（{count}）</translation>
    </message>
    <message>
        <source>Config ({count})</source>
        <translation>配置（{count}）</translation>
    </message>
    <message>
        <source>Neither side has a config.json.</source>
        <translation>两边都没有 config.json。</translation>
    </message>
    <message>
        <source>No differences in the headers.</source>
        <translation>文件头没有差异。</translation>
    </message>
    <message>
        <source>No differences in {name}.</source>
        <translation>{name} 没有差异。</translation>
    </message>
</context>
<context>
    <name>DownloadBar</name>
    <message>
        <source>HF cache</source>
        <extracomment>Tasks were queued (their ids).</extracomment>
        <translation>HF 缓存</translation>
    </message>
    <message>
        <source>Plain folder</source>
        <translation>普通文件夹</translation>
    </message>
    <message>
        <source>HF cache: transformers/diffusers find the files.
Plain folder: a local-dir copy (ComfyUI, LM Studio…).</source>
        <translation>HF 缓存：transformers/diffusers 能找到这些文件。
普通文件夹：local-dir 方式的副本（ComfyUI、LM Studio…）。</translation>
    </message>
    <message>
        <source>Download to…</source>
        <translation>下载到…</translation>
    </message>
    <message>
        <source>Download selected</source>
        <translation>下载所选</translation>
    </message>
    <message>
        <source>Download all</source>
        <translation>全部下载</translation>
    </message>
    <message>
        <source>{count} of {total} files selected</source>
        <translation>已选 {count} / {total} 个文件</translation>
    </message>
    <message>
        <source>(all files: {size})</source>
        <translation>（全部文件：{size}）</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>%n files</source>
        <translation>%n 个文件</translation>
    </message>
    <message>
        <source>all %n files</source>
        <translation>全部 %n 个文件</translation>
    </message>
    <message>
        <source>Queued {repo} ({what}) → {path}</source>
        <translation>已将 {repo}（{what}）加入队列 → {path}</translation>
    </message>
</context>
<context>
    <name>DownloadsActions</name>
    <message>
        <source>Priority</source>
        <extracomment>Every action by name (``pause``, ``move_top``, ``priority_high``…).</extracomment>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add downloads ({keys})</source>
        <translation>添加下载（{keys}）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause/Resume</source>
        <translation>暂停/继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove and delete data</source>
        <translation>移除并删除数据</translation>
    </message>
    <message>
        <source>Move to top</source>
        <translation>移到顶部</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Move to bottom</source>
        <translation>移到底部</translation>
    </message>
    <message>
        <source>High priority</source>
        <translation>高优先级</translation>
    </message>
    <message>
        <source>Normal priority</source>
        <translation>普通优先级</translation>
    </message>
    <message>
        <source>Low priority</source>
        <translation>低优先级</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Copy source URL</source>
        <translation>复制来源网址</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>全部暂停</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>全部继续</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Priority ▾</source>
        <translation>优先级 ▾</translation>
    </message>
    <message>
        <source>Copied %n URLs.</source>
        <translation>已复制 %n 个网址。</translation>
    </message>
    <message>
        <source>Delete partial data?</source>
        <translation>删除未完成的数据？</translation>
    </message>
    <message>
        <source>Remove %n download(s) and delete their partial data? Completed files are kept.</source>
        <translation>移除 %n 个下载并删除其未完成的数据？已完成的文件会保留。</translation>
    </message>
    <message>
        <source>Removed %n download(s).</source>
        <translation>已移除 %n 个下载。</translation>
    </message>
    <message>
        <source>Copied the source URL.</source>
        <translation>已复制来源网址。</translation>
    </message>
</context>
<context>
    <name>DownloadsTab</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>No downloads yet.
Add models with Ctrl+N, or drop links or a text file here.</source>
        <extracomment>Speed histories of the graph (all downloads, and each task seen moving). The queue&apos;s actions by name (``pause``, ``move_top``…).</extracomment>
        <translation>还没有下载。
按 Ctrl+N 添加模型，或把链接、文本文件拖放到这里。</translation>
    </message>
    <message>
        <source>Filter by name…</source>
        <translation>按名称筛选…</translation>
    </message>
    <message>
        <source>Speed · this download</source>
        <translation>速度 · 当前下载</translation>
    </message>
    <message>
        <source>Speed · all downloads</source>
        <translation>速度 · 全部下载</translation>
    </message>
</context>
<context>
    <name>ErrorInspector</name>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>复制报告</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Errors</source>
        <extracomment>A retry was asked for (the failure&apos;s key).</extracomment>
        <translation>错误</translation>
    </message>
    <message>
        <source>Filter failures (repository, message, file…)</source>
        <translation>筛选失败记录（仓库、消息、文件…）</translation>
    </message>
    <message>
        <source>Every kind</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>解决办法</translation>
    </message>
    <message>
        <source>Technical details</source>
        <translation>技术细节</translation>
    </message>
    <message>
        <source>{action} ({keys})</source>
        <translation>{action}（{keys}）</translation>
    </message>
    <message>
        <source>1 failure</source>
        <translation>1 个失败</translation>
    </message>
    <message>
        <source>%n failures</source>
        <translation>%n 个失败</translation>
    </message>
    <message>
        <source>{shown} of {total}</source>
        <translation>{shown} / {total}</translation>
    </message>
    <message>
        <source>No failures</source>
        <translation>没有失败</translation>
    </message>
    <message>
        <source>Nothing failed.</source>
        <translation>没有任何失败。</translation>
    </message>
    <message>
        <source>Scan again</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Not documented.</source>
        <translation>没有文档说明。</translation>
    </message>
    <message>
        <source>No suggestion: see the details.</source>
        <translation>没有建议：请查看技术细节。</translation>
    </message>
    <message>
        <source>Retrying {name}.</source>
        <translation>正在重试 {name}。</translation>
    </message>
    <message>
        <source>Nothing to retry: the task is no longer failed.</source>
        <translation>无需重试：该任务已不再处于失败状态。</translation>
    </message>
    <message>
        <source>Queued {name} again.</source>
        <translation>已将 {name} 重新加入队列。</translation>
    </message>
    <message>
        <source>Copied the error report.</source>
        <translation>已复制错误报告。</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>— (stored message)</source>
        <translation>—（已保存的消息）</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>History entry</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>网址</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>{label}: {value}</source>
        <translation>{label}：{value}</translation>
    </message>
    <message>
        <source>Hint: {hint}</source>
        <translation>提示：{hint}</translation>
    </message>
</context>
<context>
    <name>FailuresModel</name>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Lookup</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>task {id}</source>
        <extracomment>The failures changed (read :meth:`failures`).</extracomment>
        <translation>任务 {id}</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>What</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>on {date}</source>
        <translation>于 {date}</translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>1 天前</translation>
    </message>
    <message>
        <source>%n days ago</source>
        <translation>%n 天前</translation>
    </message>
    <message>
        <source>1 hour ago</source>
        <translation>1 小时前</translation>
    </message>
    <message>
        <source>%n hours ago</source>
        <translation>%n 小时前</translation>
    </message>
    <message>
        <source>%n min ago</source>
        <translation>%n 分钟前</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Repository</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Upstream</source>
        <translation>上游</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Avg speed</source>
        <translation>平均速度</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>check failed</source>
        <translation>检查失败</translation>
    </message>
    <message>
        <source>pinned commit</source>
        <translation>固定提交</translation>
    </message>
    <message>
        <source>✓ up to date</source>
        <translation>✓ 已是最新</translation>
    </message>
    <message>
        <source>new commit</source>
        <translation>有新提交</translation>
    </message>
    <message>
        <source>Favorite (click a star to toggle)</source>
        <translation>收藏（点击星标切换）</translation>
    </message>
    <message>
        <source>Not checked yet: use Check for updates</source>
        <translation>尚未检查：请使用“检查更新”</translation>
    </message>
    <message>
        <source>Downloaded {commit}</source>
        <translation>已下载 {commit}</translation>
    </message>
    <message>
        <source>Upstream {commit}</source>
        <translation>上游 {commit}</translation>
    </message>
    <message>
        <source>… {n} more</source>
        <translation>… 还有 {n} 个</translation>
    </message>
</context>
<context>
    <name>HistoryTab</name>
    <message>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>最近 12 个月</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>全部结果</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Filter by repository, folder, revision or error…</source>
        <extracomment>The table was (re)loaded (number of rows). An export finished (path, number of rows). An update check finished (the reports). Tasks were queued by re-download or &quot;queue updates&quot; (their ids).</extracomment>
        <translation>按仓库、文件夹、版本或错误筛选…</translation>
    </message>
    <message>
        <source>★ Favorites</source>
        <translation>★ 收藏</translation>
    </message>
    <message>
        <source>Only starred repositories</source>
        <translation>只显示收藏的仓库</translation>
    </message>
    <message>
        <source>Check for updates</source>
        <translation>检查更新</translation>
    </message>
    <message>
        <source>Ask the Hub whether downloaded repositories changed</source>
        <translation>向 Hub 查询已下载的仓库是否有变化</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the rows matching the filters as CSV or JSON</source>
        <translation>将符合筛选条件的记录保存为 CSV 或 JSON</translation>
    </message>
    <message>
        <source>Export as CSV…</source>
        <translation>导出为 CSV…</translation>
    </message>
    <message>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <source>Re-download</source>
        <translation>重新下载</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Queue updates</source>
        <translation>将更新加入队列</translation>
    </message>
    <message>
        <source>Nothing matches these filters.</source>
        <translation>没有符合筛选条件的记录。</translation>
    </message>
    <message>
        <source>No downloads yet.</source>
        <translation>还没有下载记录。</translation>
    </message>
    <message>
        <source>1 download</source>
        <translation>1 个下载</translation>
    </message>
    <message>
        <source>%n downloads</source>
        <translation>%n 个下载</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} 个失败</translation>
    </message>
    <message>
        <source>Plain URL downloads cannot be favorites.</source>
        <translation>普通网址下载不能收藏。</translation>
    </message>
    <message>
        <source>Queued 1 re-download.</source>
        <translation>已将 1 个重新下载加入队列。</translation>
    </message>
    <message>
        <source>Queued %n re-downloads.</source>
        <translation>已将 %n 个重新下载加入队列。</translation>
    </message>
    <message>
        <source>The folder {folder} no longer exists.</source>
        <translation>文件夹 {folder} 已不存在。</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>加入收藏</translation>
    </message>
    <message>
        <source>Copy repository id</source>
        <translation>复制仓库 ID</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Export history</source>
        <translation>导出历史记录</translation>
    </message>
    <message>
        <source>Exported {count} history entries to {path}</source>
        <translation>已导出 {count} 条历史记录到 {path}</translation>
    </message>
    <message>
        <source>Checking for updates…</source>
        <translation>正在检查更新…</translation>
    </message>
    <message>
        <source>Nothing downloaded to check yet.</source>
        <translation>还没有可检查的下载。</translation>
    </message>
    <message>
        <source>1 repository has updates.</source>
        <translation>1 个仓库有更新。</translation>
    </message>
    <message>
        <source>%n repositories have updates.</source>
        <translation>%n 个仓库有更新。</translation>
    </message>
    <message>
        <source>Everything is up to date.</source>
        <translation>全部已是最新。</translation>
    </message>
    <message>
        <source>{n} could not be checked.</source>
        <translation>{n} 个无法检查。</translation>
    </message>
    <message>
        <source>Update check failed.</source>
        <translation>检查更新失败。</translation>
    </message>
    <message>
        <source>• {repo}: {n} files, {size}</source>
        <translation>• {repo}：{n} 个文件，{size}</translation>
    </message>
    <message>
        <source>Download the modified files again?</source>
        <translation>重新下载修改过的文件？</translation>
    </message>
    <message>
        <source>Queued 1 update.</source>
        <translation>已将 1 个更新加入队列。</translation>
    </message>
    <message>
        <source>Queued %n updates.</source>
        <translation>已将 %n 个更新加入队列。</translation>
    </message>
</context>
<context>
    <name>LibraryDetails</name>
    <message>
        <source>HF cache</source>
        <translation>HF 缓存</translation>
    </message>
    <message>
        <source>a tracked download</source>
        <translation>一次记录在案的下载</translation>
    </message>
    <message>
        <source>download history</source>
        <translation>下载历史</translation>
    </message>
    <message>
        <source>the queue</source>
        <translation>下载队列</translation>
    </message>
    <message>
        <source>a cached Hub listing</source>
        <translation>缓存的 Hub 文件列表</translation>
    </message>
    <message>
        <source>Open folder</source>
        <extracomment>&quot;Show duplicates&quot; was asked for this path. &quot;Open folder&quot; (path) and &quot;Copy path&quot; (path) — the tab does them. The record (with metadata) was shown. An upstream check answered (a Provenance, or None when no origin is known). Whether the file shown has its record and provenance (and upstream check) in.</extracomment>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Show the file&apos;s folder in the file manager (Ctrl+O)</source>
        <translation>在文件管理器中显示文件所在文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Copy the file&apos;s path (Ctrl+Shift+C)</source>
        <translation>复制文件路径（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <source>Show duplicates</source>
        <translation>显示重复文件</translation>
    </message>
    <message>
        <source>Show the other copies of this file (Ctrl+D)</source>
        <translation>显示此文件的其他副本（Ctrl+D）</translation>
    </message>
    <message>
        <source>Check upstream</source>
        <translation>检查上游</translation>
    </message>
    <message>
        <source>Ask the hub whether the file changed since (one request)</source>
        <translation>询问 Hub 此文件之后是否有变化（一次请求）</translation>
    </message>
    <message>
        <source>No file selected</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <source>Select a file to see its header, hashes and where it came from.</source>
        <translation>选择一个文件以查看其文件头、哈希和来源。</translation>
    </message>
    <message>
        <source>Could not read the index: {error}</source>
        <translation>无法读取索引：{error}</translation>
    </message>
    <message>
        <source>could not check: {error}</source>
        <translation>无法检查：{error}</translation>
    </message>
    <message>
        <source>Unknown: not from the HF cache nor a recorded download.</source>
        <translation>未知：既不在 HF 缓存中，也没有下载记录。</translation>
    </message>
    <message>
        <source>from &lt;b&gt;{source}&lt;/b&gt; {where}</source>
        <translation>来自 &lt;b&gt;{source}&lt;/b&gt; {where}</translation>
    </message>
    <message>
        <source>… {n} more</source>
        <translation>… 还有 {n} 个</translation>
    </message>
    <message>
        <source>Checking upstream…</source>
        <translation>正在检查上游…</translation>
    </message>
    <message>
        <source>the default branch</source>
        <translation>默认分支</translation>
    </message>
    <message>
        <source> (now at {commit})</source>
        <translation>（现在位于 {commit}）</translation>
    </message>
    <message>
        <source>update available: the file changed on {branch}{now}</source>
        <translation>有更新：此文件在 {branch} 上已改变{now}</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个 token</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>{size} ({bytes} bytes)</source>
        <translation>{size}（{bytes} 字节）</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <source>Hard links</source>
        <translation>硬链接</translation>
    </message>
    <message>
        <source>verified at download</source>
        <translation>下载时已校验</translation>
    </message>
    <message>
        <source>read from disk</source>
        <translation>从磁盘读取</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>not hashed yet — use Scan with hashes or Find duplicates</source>
        <translation>尚未计算哈希——请使用带哈希的扫描或“查找重复文件”</translation>
    </message>
    <message>
        <source>problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Identification</source>
        <translation>识别信息</translation>
    </message>
    <message>
        <source>Hashes</source>
        <translation>哈希</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>LibraryDupes</name>
    <message>
        <source>Hard link</source>
        <translation>硬链接</translation>
    </message>
    <message>
        <source>Symbolic link</source>
        <translation>符号链接</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Find duplicates</source>
        <extracomment>A search finished (the DupesResult, or None when cancelled). A reclaim finished (its ReclaimResult). The reclaim dialog opened (the dialog). The user asked to see a path in the file table.</extracomment>
        <translation>查找重复文件</translation>
    </message>
    <message>
        <source>Hash files of the same size and group identical ones (Ctrl+Shift+D)</source>
        <translation>为大小相同的文件计算哈希，并把相同的文件分组（Ctrl+Shift+D）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Hard link: every path stays a regular file (same file system only).
Symbolic link: paths point at the kept copy.
Delete: only the kept copy remains.</source>
        <translation>硬链接：每个路径仍是普通文件（仅限同一文件系统）。
符号链接：路径指向保留的副本。
删除：只保留一份副本。</translation>
    </message>
    <message>
        <source>Reclaim…</source>
        <translation>回收…</translation>
    </message>
    <message>
        <source>Show the plan as a dry run, then confirm (Ctrl+Shift+K)</source>
        <translation>先以演练方式显示计划，再确认（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <source>Reclaim by</source>
        <translation>回收方式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>Find duplicates to see identical files and what they waste.</source>
        <translation>查找重复文件，查看相同的文件及其浪费的空间。</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复文件…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Could not look for duplicates.</source>
        <translation>无法查找重复文件。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Hashing {done} of {total} files · {bytes} of {bytes_total}</source>
        <translation>正在计算哈希 {done}/{total} 个文件 · {bytes}/{bytes_total}</translation>
    </message>
    <message>
        <source>{name} · {n} copies</source>
        <translation>{name} · {n} 份副本</translation>
    </message>
    <message>
        <source>wastes {size}</source>
        <translation>浪费 {size}</translation>
    </message>
    <message>
        <source> (+{n} hard links)</source>
        <translation>（另有 {n} 个硬链接）</translation>
    </message>
    <message>
        <source>{verb} (frees {size})</source>
        <translation>{verb}（释放 {size}）</translation>
    </message>
    <message>
        <source>{verb} to the kept copy</source>
        <translation>{verb}到保留的副本</translation>
    </message>
    <message>
        <source>left alone: {reason}</source>
        <translation>保持不变：{reason}</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>The copy that stays</source>
        <translation>保留下来的副本</translation>
    </message>
    <message>
        <source>HF cache · {repo}: {path}</source>
        <translation>HF 缓存 · {repo}：{path}</translation>
    </message>
    <message>
        <source>No duplicates: every model file is stored once.</source>
        <translation>没有重复文件：每个模型文件只存了一份。</translation>
    </message>
    <message>
        <source>1 group · {size} wasted</source>
        <translation>1 组 · 浪费 {size}</translation>
    </message>
    <message>
        <source>{n} groups · {size} wasted</source>
        <translation>{n} 组 · 浪费 {size}</translation>
    </message>
    <message>
        <source>{modes} free {size}</source>
        <translation>{modes}可释放 {size}</translation>
    </message>
    <message>
        <source>{n} left alone</source>
        <translation>{n} 个保持不变</translation>
    </message>
    <message>
        <source>{name} has no duplicates.</source>
        <translation>{name} 没有重复文件。</translation>
    </message>
    <message>
        <source>The library index was not updated after a reclaim</source>
        <translation>回收后模型库索引未更新</translation>
    </message>
    <message>
        <source>Reclaimed {size}. Looking again…</source>
        <translation>已回收 {size}。正在重新查找…</translation>
    </message>
    <message>
        <source>Show in the file list</source>
        <translation>在文件列表中显示</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
</context>
<context>
    <name>LibraryMeta</name>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Trained on</source>
        <translation>训练所用模型</translation>
    </message>
    <message>
        <source>Output name</source>
        <translation>输出名称</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络模块</translation>
    </message>
    <message>
        <source>Network dim</source>
        <translation>网络维度</translation>
    </message>
    <message>
        <source>Network alpha</source>
        <translation>网络 alpha</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>训练图像数</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Mixed precision</source>
        <translation>混合精度</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>{count} entries ({first}, …)</source>
        <translation>{count} 项（{first}, …）</translation>
    </message>
    <message>
        <source>{count} distinct tags</source>
        <translation>{count} 个不同标签</translation>
    </message>
    <message>
        <source>Top tags</source>
        <translation>常用标签</translation>
    </message>
    <message>
        <source>Training (LoRA)</source>
        <translation>训练（LoRA）</translation>
    </message>
    <message>
        <source>Model spec</source>
        <translation>模型规范</translation>
    </message>
    <message>
        <source>GGUF keys</source>
        <translation>GGUF 键</translation>
    </message>
    <message>
        <source>Header metadata</source>
        <translation>文件头元数据</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Source repo</source>
        <translation>来源仓库</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Hashed</source>
        <translation>已计算哈希</translation>
    </message>
    <message>
        <source>HF cache</source>
        <extracomment>Folder names that tell which tool a scan root belongs to (lower case, anywhere in the path).</extracomment>
        <translation>HF 缓存</translation>
    </message>
    <message>
        <source>Whether the SHA-256 is known (Scan with hashes, or Find duplicates)</source>
        <translation>是否已知 SHA-256（扫描时计算哈希，或查找重复文件）</translation>
    </message>
    <message>
        <source>Not hashed yet</source>
        <translation>尚未计算哈希</translation>
    </message>
</context>
<context>
    <name>LibraryScan</name>
    <message>
        <source>Listing</source>
        <translation>列出文件</translation>
    </message>
    <message>
        <source>Reading headers</source>
        <translation>读取文件头</translation>
    </message>
    <message>
        <source>Looking for moved files</source>
        <translation>查找移动过的文件</translation>
    </message>
    <message>
        <source>Hashing</source>
        <translation>计算哈希</translation>
    </message>
    <message>
        <source>Finishing</source>
        <translation>收尾</translation>
    </message>
    <message>
        <source>{phase} {files} of {total} files · {bytes} of {bytes_total}</source>
        <translation>{phase} {files}/{total} 个文件 · {bytes}/{bytes_total}</translation>
    </message>
    <message>
        <source>{phase}… {files} files · {bytes}</source>
        <translation>{phase}… {files} 个文件 · {bytes}</translation>
    </message>
    <message>
        <source>Scan cancelled</source>
        <translation>扫描已取消</translation>
    </message>
    <message>
        <source>Scanned</source>
        <translation>扫描完成</translation>
    </message>
    <message>
        <source>{verb}: {files} files · {bytes} ({added} new, {changed} changed, {removed} gone)</source>
        <translation>{verb}：{files} 个文件 · {bytes}（{added} 个新增，{changed} 个改动，{removed} 个已删除）</translation>
    </message>
    <message>
        <source>{n} could not be read</source>
        <translation>{n} 个无法读取</translation>
    </message>
    <message>
        <source>Cancel scan</source>
        <extracomment>A scan ended: its ScanSummary (``cancelled`` set when stopped), or None when it failed.</extracomment>
        <translation>取消扫描</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>Scanning the model library…</source>
        <translation>正在扫描模型库…</translation>
    </message>
    <message>
        <source>Scan failed.</source>
        <translation>扫描失败。</translation>
    </message>
    <message>
        <source>Library scan failed.</source>
        <translation>模型库扫描失败。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Library: {text}</source>
        <translation>模型库：{text}</translation>
    </message>
</context>
<context>
    <name>LibraryTab</name>
    <message>
        <source>Files</source>
        <extracomment>The table was (re)loaded (number of rows loaded). A scan finished (its ScanSummary; ``cancelled`` set when stopped).</extracomment>
        <translation>文件</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复文件</translation>
    </message>
    <message>
        <source>The indexed files ({keys})</source>
        <translation>已索引的文件（{keys}）</translation>
    </message>
    <message>
        <source>Files stored more than once, and reclaiming them ({keys})</source>
        <translation>存了不止一份的文件，以及回收它们（{keys}）</translation>
    </message>
    <message>
        <source>With hashes</source>
        <translation>计算哈希</translation>
    </message>
    <message>
        <source>Also compute each file&apos;s SHA-256 during the scan (slower)</source>
        <translation>扫描时同时计算每个文件的 SHA-256（较慢）</translation>
    </message>
    <message>
        <source>Scan now</source>
        <translation>立即扫描</translation>
    </message>
    <message>
        <source>Scan every folder again ({keys})</source>
        <translation>重新扫描所有文件夹（{keys}）</translation>
    </message>
    <message>
        <source>Scan folder…</source>
        <translation>扫描文件夹…</translation>
    </message>
    <message>
        <source>Scan one folder (added to the scan folders) ({keys})</source>
        <translation>扫描一个文件夹（会加入扫描文件夹）（{keys}）</translation>
    </message>
    <message>
        <source>Folders…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>The folders the library scans</source>
        <translation>模型库扫描的文件夹</translation>
    </message>
    <message>
        <source>Filter by name, folder, architecture, repo or hash…</source>
        <translation>按名称、文件夹、架构、仓库或哈希筛选…</translation>
    </message>
    <message>
        <source>Only this kind of model</source>
        <translation>只显示此类型的模型</translation>
    </message>
    <message>
        <source>Only files of this scan folder or tool</source>
        <translation>只显示此扫描文件夹或工具中的文件</translation>
    </message>
    <message>
        <source>Only this file format</source>
        <translation>只显示此文件格式</translation>
    </message>
    <message>
        <source>Other files too</source>
        <translation>包括其他文件</translation>
    </message>
    <message>
        <source>Also list files that are not models (READMEs, configs…)</source>
        <translation>也列出不是模型的文件（README、配置文件…）</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All locations</source>
        <translation>全部位置</translation>
    </message>
    <message>
        <source>All formats</source>
        <translation>全部格式</translation>
    </message>
    <message>
        <source>Stop the scan; what it found is kept ({keys})</source>
        <translation>停止扫描；已找到的内容保留（{keys}）</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Show duplicates</source>
        <translation>显示重复文件</translation>
    </message>
    <message>
        <source>Cancel scan</source>
        <translation>取消扫描</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详情</translation>
    </message>
    <message>
        <source>Find duplicates</source>
        <translation>查找重复文件</translation>
    </message>
    <message>
        <source>Reclaim…</source>
        <translation>回收…</translation>
    </message>
    <message>
        <source>Nothing scanned yet — Scan now, or Scan folder… to add one.</source>
        <translation>尚未扫描任何内容——点击“立即扫描”，或用“扫描文件夹…”添加一个。</translation>
    </message>
    <message>
        <source>Nothing matches these filters.</source>
        <translation>没有符合筛选条件的记录。</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n} 个文件</translation>
    </message>
    <message>
        <source>Scan a folder</source>
        <translation>扫描一个文件夹</translation>
    </message>
    <message>
        <source>The folder {folder} no longer exists.</source>
        <translation>文件夹 {folder} 已不存在。</translation>
    </message>
    <message>
        <source>Copied the path.</source>
        <translation>已复制路径。</translation>
    </message>
    <message>
        <source>Copied {n} paths.</source>
        <translation>已复制 {n} 个路径。</translation>
    </message>
    <message>
        <source>Scan this folder again</source>
        <translation>重新扫描此文件夹</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>HF Download Suite</source>
        <translation>HF Download Suite</translation>
    </message>
    <message>
        <source>Help and appearance</source>
        <translation>帮助与外观</translation>
    </message>
    <message>
        <source>Statistics…</source>
        <translation>统计…</translation>
    </message>
    <message>
        <source>Compare models…</source>
        <translation>比较模型…</translation>
    </message>
    <message>
        <source>Errors…</source>
        <translation>错误…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts…</source>
        <translation>键盘快捷键…</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>全部暂停</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>全部继续</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>{kind} (exit code {code})</source>
        <translation>{kind}（退出码 {code}）</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>Download complete</source>
        <translation>下载完成</translation>
    </message>
    <message>
        <source>Downloaded {name}</source>
        <translation>已下载 {name}</translation>
    </message>
    <message>
        <source>{names} and %n more</source>
        <translation>{names} 等，还有 %n 个</translation>
    </message>
    <message>
        <source>%n downloads complete</source>
        <translation>%n 个下载已完成</translation>
    </message>
    <message>
        <source>Downloaded %n repositories</source>
        <translation>已下载 %n 个仓库</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>下载失败</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}：{error}</translation>
    </message>
    <message>
        <source>{name} failed</source>
        <translation>{name} 失败</translation>
    </message>
    <message>
        <source>%n more downloads failed</source>
        <translation>另有 %n 个下载失败</translation>
    </message>
    <message>
        <source>See the error inspector.</source>
        <translation>请查看错误检查器。</translation>
    </message>
    <message>
        <source>Downloads</source>
        <extracomment>The tabs, in the order shown (Ctrl+1 … Ctrl+n follow it). Add one line per tab. Titles are English (shown through translate(&quot;MainWindow&quot;, title) by the main window).</extracomment>
        <translation>下载</translation>
    </message>
    <message>
        <source>Browse</source>
        <translation>浏览</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Local models</source>
        <translation>本地模型</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>ComfyUI</source>
        <translation>ComfyUI</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>PathSelector</name>
    <message>
        <source>Choose a folder</source>
        <extracomment>The new path text (may be empty).</extracomment>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <source>Edit profile</source>
        <extracomment>The profile was stored (the stored :class:`Profile`).</extracomment>
        <translation>编辑配置</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新建配置</translation>
    </message>
    <message>
        <source>Edit profile {name}</source>
        <translation>编辑配置 {name}</translation>
    </message>
    <message>
        <source>e.g. comfy-loras (letters, digits, - _ .)</source>
        <translation>例如 comfy-loras（字母、数字、- _ .）</translation>
    </message>
    <message>
        <source>Tool folder</source>
        <translation>工具文件夹</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>HF cache</source>
        <translation>HF 缓存</translation>
    </message>
    <message>
        <source>optional: a folder of its own inside the kind&apos;s</source>
        <translation>可选：在该类型文件夹内单独建一个子文件夹</translation>
    </message>
    <message>
        <source>Profile folder</source>
        <translation>配置文件夹</translation>
    </message>
    <message>
        <source>Subfolder</source>
        <translation>子文件夹</translation>
    </message>
    <message>
        <source>all files  (e.g. *.safetensors, *.json)</source>
        <translation>所有文件  （例如 *.safetensors, *.json）</translation>
    </message>
    <message>
        <source>none  (e.g. *.bin)</source>
        <translation>无  （例如 *.bin）</translation>
    </message>
    <message>
        <source>setting</source>
        <translation>按设置</translation>
    </message>
    <message>
        <source> MiB/s</source>
        <translation> MiB/s</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>Only files</source>
        <translation>仅下载文件</translation>
    </message>
    <message>
        <source>Skip files</source>
        <translation>跳过文件</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接数</translation>
    </message>
    <message>
        <source>Speed limit</source>
        <translation>限速</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Choose the profile&apos;s folder.</source>
        <translation>请选择配置的文件夹。</translation>
    </message>
</context>
<context>
    <name>ProfilesModel</name>
    <message>
        <source>Tool / kind / folder</source>
        <translation>工具 / 类型 / 文件夹</translation>
    </message>
    <message>
        <source>Version · where · state</source>
        <translation>版本 · 位置 · 状态</translation>
    </message>
    <message>
        <source>{tool}, named {name}</source>
        <translation>{tool}，名称 {name}</translation>
    </message>
    <message>
        <source>{tool}, named {name} (--to {name}:KIND)</source>
        <translation>{tool}，名称 {name}（--to {name}:KIND）</translation>
    </message>
    <message>
        <source>version unknown</source>
        <translation>版本未知</translation>
    </message>
    <message>
        <source>{root} ({variant} install)</source>
        <translation>{root}（{variant} 安装）</translation>
    </message>
    <message>
        <source>read only</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>Download here with --to {target}</source>
        <translation>用 --to {target} 下载到这里</translation>
    </message>
    <message>
        <source>The tool reads this kind from here; downloads do not go here</source>
        <translation>工具从这里读取此类模型；下载不会保存到这里</translation>
    </message>
    <message>
        <source>✓ exists</source>
        <translation>✓ 存在</translation>
    </message>
    <message>
        <source>✗ missing</source>
        <translation>✗ 缺失</translation>
    </message>
    <message>
        <source>downloads go here</source>
        <translation>下载保存到这里</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>默认选项</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>创建者</translation>
    </message>
    <message>
        <source>HF cache</source>
        <translation>HF 缓存</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>only {patterns}</source>
        <translation>仅 {patterns}</translation>
    </message>
    <message>
        <source>not {patterns}</source>
        <translation>排除 {patterns}</translation>
    </message>
    <message>
        <source>{n} connections</source>
        <translation>{n} 个连接</translation>
    </message>
    <message>
        <source>(missing)</source>
        <translation>（缺失）</translation>
    </message>
    <message>
        <source>detection</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>you</source>
        <translation>你</translation>
    </message>
</context>
<context>
    <name>ProfilesTab</name>
    <message>
        <source>New profile</source>
        <translation>新建配置</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Detect again</source>
        <translation>重新检测</translation>
    </message>
    <message>
        <source>Add tool folder…</source>
        <translation>添加工具文件夹…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Share folders…</source>
        <translation>共享文件夹…</translation>
    </message>
    <message>
        <source>Let one tool use another&apos;s model folders, previewed first ({keys})</source>
        <extracomment>A load finished (tests wait on it). Makes the profile service (one per load: detection is fresh each time).</extracomment>
        <translation>让一个工具使用另一个工具的模型文件夹，先预览（{keys}）</translation>
    </message>
    <message>
        <source>Tools on this machine</source>
        <translation>本机上的工具</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>No tool found in the usual places. “Add tool folder…” names an install (ComfyUI, AUTOMATIC1111, Forge, SD.Next, InvokeAI, Fooocus, LM Studio…).</source>
        <translation>在常见位置没有找到工具。用“添加工具文件夹…”指定一个安装目录（ComfyUI、AUTOMATIC1111、Forge、SD.Next、InvokeAI、Fooocus、LM Studio…）。</translation>
    </message>
    <message>
        <source>No profiles yet. “Detect again” makes one per tool folder; “New profile” makes your own (a tool&apos;s folder, any folder or the HF cache, with download defaults).</source>
        <translation>还没有配置。“重新检测”会为每个工具文件夹创建一个；“新建配置”可自行创建（工具的文件夹、任意文件夹或 HF 缓存，并带有下载默认选项）。</translation>
    </message>
    <message>
        <source>Looking for tools…</source>
        <translation>正在查找工具…</translation>
    </message>
    <message>
        <source>1 tool</source>
        <translation>1 个工具</translation>
    </message>
    <message>
        <source>%n tools</source>
        <translation>%n 个工具</translation>
    </message>
    <message>
        <source>1 profile</source>
        <translation>1 个配置</translation>
    </message>
    <message>
        <source>%n profiles</source>
        <translation>%n 个配置</translation>
    </message>
    <message>
        <source>Profile {name} saved: {where}</source>
        <translation>配置 {name} 已保存：{where}</translation>
    </message>
    <message>
        <source>Profile {name} removed (its folder is untouched).</source>
        <translation>配置 {name} 已移除（其文件夹未改动）。</translation>
    </message>
    <message>
        <source>Detecting tools…</source>
        <translation>正在检测工具…</translation>
    </message>
    <message>
        <source>1 profile made or updated</source>
        <translation>创建或更新了 1 个配置</translation>
    </message>
    <message>
        <source>%n profiles made or updated</source>
        <translation>创建或更新了 %n 个配置</translation>
    </message>
    <message>
        <source>Detection done: {made}, {unchanged} unchanged.</source>
        <translation>检测完成：{made}，{unchanged} 个未变。</translation>
    </message>
    <message>
        <source>A tool&apos;s install folder</source>
        <translation>工具的安装文件夹</translation>
    </message>
    <message>
        <source>Added {name} at {path}.</source>
        <translation>已添加 {name}，位于 {path}。</translation>
    </message>
    <message>
        <source>{path} was already added as {name}.</source>
        <translation>{path} 已作为 {name} 添加过。</translation>
    </message>
    <message>
        <source>Copied {path}</source>
        <translation>已复制 {path}</translation>
    </message>
    <message>
        <source>Sharing needs two tools; this machine has fewer.</source>
        <translation>共享需要两个工具；本机上的工具不足两个。</translation>
    </message>
</context>
<context>
    <name>ReclaimDialog</name>
    <message>
        <source>hard link</source>
        <translation>硬链接</translation>
    </message>
    <message>
        <source>symbolic link</source>
        <translation>符号链接</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Hard links</source>
        <translation>硬链接</translation>
    </message>
    <message>
        <source>Symbolic links</source>
        <translation>符号链接</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>hard links</source>
        <translation>硬链接</translation>
    </message>
    <message>
        <source>symbolic links</source>
        <translation>符号链接</translation>
    </message>
    <message>
        <source>deletes</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Reclaim duplicate space</source>
        <extracomment>The user confirmed: carry the plan out (the tab does, then calls show_result).</extracomment>
        <translation>回收重复文件占用的空间</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>重复文件</translation>
    </message>
    <message>
        <source>Kept copy</source>
        <translation>保留的副本</translation>
    </message>
    <message>
        <source>Frees</source>
        <translation>释放</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>&lt;b&gt;Dry run — nothing has changed yet.&lt;/b&gt; {mode}: 1 action free &lt;b&gt;{size}&lt;/b&gt;. Check the list, then confirm.</source>
        <translation>&lt;b&gt;演练——尚未做任何更改。&lt;/b&gt;{mode}：1 个操作可释放 &lt;b&gt;{size}&lt;/b&gt;。请检查列表，然后确认。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Dry run — nothing has changed yet.&lt;/b&gt; {mode}: {count} actions free &lt;b&gt;{size}&lt;/b&gt;. Check the list, then confirm.</source>
        <translation>&lt;b&gt;演练——尚未做任何更改。&lt;/b&gt;{mode}：{count} 个操作可释放 &lt;b&gt;{size}&lt;/b&gt;。请检查列表，然后确认。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Nothing to reclaim&lt;/b&gt; with {modes}: every duplicate is left alone (reasons below).</source>
        <translation>&lt;b&gt;无法用{modes}回收&lt;/b&gt;：所有重复文件都保持不变（原因见下方）。</translation>
    </message>
    <message>
        <source>leave</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Reclaim {size}</source>
        <translation>回收 {size}</translation>
    </message>
    <message>
        <source>Reclaim</source>
        <translation>回收</translation>
    </message>
    <message>
        <source>Deletes the duplicates; one copy of each is kept</source>
        <translation>删除重复文件；每组保留一份副本</translation>
    </message>
    <message>
        <source>Reclaiming…</source>
        <translation>正在回收…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reclaimed {size}&lt;/b&gt;: {done} done, {skipped} skipped, {failed} failed.</source>
        <translation>&lt;b&gt;已回收 {size}&lt;/b&gt;：{done} 个完成，{skipped} 个跳过，{failed} 个失败。</translation>
    </message>
    <message>
        <source>Removed {n} leftovers of an interrupted reclaim.</source>
        <translation>已删除上次中断的回收留下的 {n} 个临时文件。</translation>
    </message>
    <message>
        <source>Some actions failed.</source>
        <translation>部分操作失败。</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>RepoFilesModel</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存储方式</translation>
    </message>
    <message>
        <source>{size} bytes</source>
        <extracomment>(number of ticked files, their total size in bytes)</extracomment>
        <translation>{size} 字节</translation>
    </message>
</context>
<context>
    <name>RepoPane</name>
    <message>
        <source>*This repository has no model card.*</source>
        <translation>*此仓库没有模型卡片。*</translation>
    </message>
    <message>
        <source>*The model card is empty.*</source>
        <translation>*模型卡片是空的。*</translation>
    </message>
    <message>
        <source>Select a model to read its card, pick files and download them.</source>
        <extracomment>A repository&apos;s details are shown (its id).</extracomment>
        <translation>选择一个模型，即可阅读其卡片、挑选文件并下载。</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>模型卡片</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Web page</source>
        <translation>网页</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Model card unavailable: {error}</source>
        <translation>无法获取模型卡片：{error}</translation>
    </message>
    <message>
        <source>Files ({count})</source>
        <translation>文件（{count}）</translation>
    </message>
    <message>
        <source>by &lt;b&gt;{author}&lt;/b&gt;</source>
        <translation>作者 &lt;b&gt;{author}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>license &lt;b&gt;{license}&lt;/b&gt;</source>
        <translation>许可证 &lt;b&gt;{license}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>gated (manual approval)</source>
        <translation>受限访问（需人工批准）</translation>
    </message>
    <message>
        <source>gated (accept conditions)</source>
        <translation>受限访问（需接受条件）</translation>
    </message>
    <message>
        <source>not gated</source>
        <translation>无访问限制</translation>
    </message>
    <message>
        <source>private</source>
        <translation>私有</translation>
    </message>
    <message>
        <source>updated {when}</source>
        <translation>{when}更新</translation>
    </message>
    <message>
        <source>{count} files, {size}</source>
        <translation>{count} 个文件，{size}</translation>
    </message>
    <message>
        <source>commit {commit}</source>
        <translation>提交 {commit}</translation>
    </message>
</context>
<context>
    <name>RootsDialog</name>
    <message>
        <source>Scan folders</source>
        <extracomment>The roots changed (added path or removed path). The list was (re)loaded.</extracomment>
        <translation>扫描文件夹</translation>
    </message>
    <message>
        <source>The library indexes model files in these folders. Removing one drops its files from the index; nothing is deleted on disk.</source>
        <translation>模型库为这些文件夹中的模型文件建立索引。移除一个文件夹会把其中的文件移出索引；磁盘上不删除任何文件。</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>  (not there)</source>
        <translation>  （不存在）</translation>
    </message>
    <message>
        <source>Add a folder to scan</source>
        <translation>添加要扫描的文件夹</translation>
    </message>
    <message>
        <source>Remove scan folder</source>
        <translation>移除扫描文件夹</translation>
    </message>
    <message>
        <source>Stop scanning {path}?

Its files leave the index; nothing is deleted.</source>
        <translation>不再扫描 {path}？

其中的文件会移出索引；不删除任何文件。</translation>
    </message>
    <message>
        <source>Removed {path}; {count} files left the index.</source>
        <translation>已移除 {path}；{count} 个文件移出索引。</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Search models…</source>
        <extracomment>The text to search for (stripped; may be empty to list everything).</extracomment>
        <translation>搜索模型…</translation>
    </message>
</context>
<context>
    <name>SearchModel</name>
    <message>
        <source>{id}, {downloads} downloads, {likes} likes</source>
        <extracomment>The view reached the end and another page exists: load it with this cursor.</extracomment>
        <translation>{id}，{downloads} 次下载，{likes} 个赞</translation>
    </message>
    <message>
        <source>gated</source>
        <translation>受限</translation>
    </message>
    <message>
        <source>private</source>
        <translation>私有</translation>
    </message>
    <message>
        <source>Updated {when}</source>
        <translation>{when}更新</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>keyring</source>
        <translation>密钥环</translation>
    </message>
    <message>
        <source>suite token file</source>
        <translation>本套件的令牌文件</translation>
    </message>
    <message>
        <source>hf token file</source>
        <translation>hf 的令牌文件</translation>
    </message>
    <message>
        <source>read</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>write</source>
        <translation>可写</translation>
    </message>
    <message>
        <source>fine-grained</source>
        <translation>细粒度</translation>
    </message>
    <message>
        <source>{role} token{name}</source>
        <translation>{role}令牌{name}</translation>
    </message>
    <message>
        <source>orgs: {orgs}</source>
        <translation>组织：{orgs}</translation>
    </message>
    <message>
        <source>global: {permissions}</source>
        <translation>全局：{permissions}</translation>
    </message>
    <message>
        <source>Scopes: {scopes}</source>
        <translation>权限范围：{scopes}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>gated repos: readable</source>
        <translation>受限仓库：可读</translation>
    </message>
    <message>
        <source>gated repos: not readable</source>
        <translation>受限仓库：不可读</translation>
    </message>
    <message>
        <source>Account</source>
        <extracomment>A setting was saved (key, value as stored). A setting was refused (key, reason shown). A token check or login answered (True: accepted).</extracomment>
        <translation>账户</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>正在使用</translation>
    </message>
    <message>
        <source>0 = unlimited</source>
        <translation>0 = 不限速</translation>
    </message>
    <message>
        <source>{description}
Allowed: {allowed}.</source>
        <translation>{description}
允许的值：{allowed}。</translation>
    </message>
    <message>
        <source>Not saved: {value} is not accepted. {hint}</source>
        <translation>未保存：不接受 {value}。{hint}</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Set by the environment variable {var}, which wins over this field.</source>
        <translation>由环境变量 {var} 设置，它优先于此处的值。</translation>
    </message>
    <message>
        <source>Saved, but {var} from the environment is in effect until it is unset.</source>
        <translation>已保存，但在取消设置之前，环境变量 {var} 仍然生效。</translation>
    </message>
    <message>
        <source>Set on the command line for this run.</source>
        <translation>本次运行由命令行设置。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>No token: public models only.</source>
        <translation>没有令牌：只能访问公开模型。</translation>
    </message>
    <message>
        <source>{token} from {origin} · {summary}</source>
        <translation>{token} 来自 {origin} · {summary}</translation>
    </message>
    <message>
        <source>{token} from {origin}: {error}</source>
        <translation>{token} 来自 {origin}：{error}</translation>
    </message>
    <message>
        <source>Could not check the token: {error}</source>
        <translation>无法检查令牌：{error}</translation>
    </message>
    <message>
        <source>Refused.</source>
        <translation>被拒绝。</translation>
    </message>
    <message>
        <source>Validating and saving…</source>
        <translation>正在验证并保存…</translation>
    </message>
    <message>
        <source>{summary}
Saved to {where}.</source>
        <translation>{summary}
已保存到 {where}。</translation>
    </message>
    <message>
        <source>{path}  (HF home/hub)</source>
        <translation>{path}  （HF 主目录/hub）</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Automatic (keyring, HF_TOKEN, then hf&apos;s token file)</source>
        <translation>自动（密钥环、HF_TOKEN，然后是 hf 的令牌文件）</translation>
    </message>
    <message>
        <source>Keyring only</source>
        <translation>仅密钥环</translation>
    </message>
    <message>
        <source>HF_TOKEN only</source>
        <translation>仅 HF_TOKEN</translation>
    </message>
    <message>
        <source>hf&apos;s token file only</source>
        <translation>仅 hf 的令牌文件</translation>
    </message>
    <message>
        <source>No token (anonymous)</source>
        <translation>不使用令牌（匿名）</translation>
    </message>
    <message>
        <source>HF cache (transformers, diffusers)</source>
        <translation>HF 缓存（transformers、diffusers）</translation>
    </message>
    <message>
        <source>Plain folder (local-dir)</source>
        <translation>普通文件夹（local-dir）</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Debug (everything)</source>
        <translation>调试（全部）</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Token from</source>
        <extracomment>Whole numbers typed into a short line edit: (lowest, highest). Spin boxes: (lowest, highest, decimals, suffix); the bounds are the validators&apos;.</extracomment>
        <translation>令牌来源</translation>
    </message>
    <message>
        <source>Hub endpoint or mirror</source>
        <translation>Hub 端点或镜像</translation>
    </message>
    <message>
        <source>ModelScope endpoint</source>
        <translation>ModelScope 端点</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>Bypass proxy for</source>
        <translation>不使用代理的地址</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <source>Read timeout</source>
        <translation>读取超时</translation>
    </message>
    <message>
        <source>Verify TLS certificates</source>
        <translation>验证 TLS 证书</translation>
    </message>
    <message>
        <source>Offline mode</source>
        <translation>离线模式</translation>
    </message>
    <message>
        <source>Bandwidth limit (all downloads)</source>
        <translation>带宽限制（所有下载）</translation>
    </message>
    <message>
        <source>Bandwidth limit (each task)</source>
        <translation>带宽限制（每个任务）</translation>
    </message>
    <message>
        <source>Connections per file</source>
        <translation>每个文件的连接数</translation>
    </message>
    <message>
        <source>Adaptive connections</source>
        <translation>自适应连接数</translation>
    </message>
    <message>
        <source>Most connections per file</source>
        <translation>每个文件的最大连接数</translation>
    </message>
    <message>
        <source>Files in parallel (per task)</source>
        <translation>并行文件数（每个任务）</translation>
    </message>
    <message>
        <source>Tasks in parallel</source>
        <translation>并行任务数</translation>
    </message>
    <message>
        <source>Connections per host</source>
        <translation>每个主机的连接数</translation>
    </message>
    <message>
        <source>Free space to keep</source>
        <translation>保留的可用空间</translation>
    </message>
    <message>
        <source>Default destination</source>
        <translation>默认保存位置</translation>
    </message>
    <message>
        <source>HF cache folder</source>
        <translation>HF 缓存文件夹</translation>
    </message>
    <message>
        <source>HF home folder</source>
        <translation>HF 主目录</translation>
    </message>
    <message>
        <source>Sync folder</source>
        <translation>同步文件夹</translation>
    </message>
    <message>
        <source>Default layout</source>
        <translation>默认布局</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Log detail</source>
        <translation>日志详细程度</translation>
    </message>
    <message>
        <source>Turn plugins off</source>
        <translation>关闭插件</translation>
    </message>
    <message>
        <source>Disabled plugins</source>
        <translation>已禁用的插件</translation>
    </message>
    <message>
        <source>none  (e.g. http://proxy:3128 or socks5://user:pass@host:1080)</source>
        <translation>无  （例如 http://proxy:3128 或 socks5://user:pass@host:1080）</translation>
    </message>
    <message>
        <source>none  (e.g. localhost, .corp.example)</source>
        <translation>无  （例如 localhost, .corp.example）</translation>
    </message>
    <message>
        <source>none  (hfsuite sync folder PATH sets it)</source>
        <translation>无  （由 hfsuite sync folder PATH 设置）</translation>
    </message>
    <message>
        <source>auto, a share (5%) or a size (64MiB); 0: none</source>
        <translation>auto、比例（5%）或大小（64MiB）；0：不保留</translation>
    </message>
    <message>
        <source>1–64, when adapting</source>
        <translation>1–64，自适应时使用</translation>
    </message>
    <message>
        <source>Turn off only for a mirror you trust</source>
        <translation>仅对你信任的镜像关闭</translation>
    </message>
    <message>
        <source>Make no network requests; answer from the cache</source>
        <translation>不发出网络请求；只用缓存作答</translation>
    </message>
    <message>
        <source>Start with a few, add more while the speed rises</source>
        <translation>先用少量连接，速度上升时再增加</translation>
    </message>
    <message>
        <source>Load no plugin (docs/plugins.md)</source>
        <translation>不加载任何插件（docs/plugins.md）</translation>
    </message>
    <message>
        <source>Network</source>
        <extracomment>Settings of the Account card (beside the token input), not of a section.</extracomment>
        <translation>网络</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>传输</translation>
    </message>
    <message>
        <source>Folders and disk</source>
        <translation>文件夹与磁盘</translation>
    </message>
    <message>
        <source>Appearance and data</source>
        <translation>外观与数据</translation>
    </message>
    <message>
        <source>per second, e.g. 500k, 10M, 1.5MiB</source>
        <translation>每秒，例如 500k、10M、1.5MiB</translation>
    </message>
</context>
<context>
    <name>ShareDialog</name>
    <message>
        <source>ComfyUI reads them (extra_model_paths.yaml)</source>
        <translation>由 ComfyUI 读取（extra_model_paths.yaml）</translation>
    </message>
    <message>
        <source>Hard links in the other tool&apos;s folders</source>
        <translation>在另一个工具的文件夹中建立硬链接</translation>
    </message>
    <message>
        <source>Symbolic links in the other tool&apos;s folders</source>
        <translation>在另一个工具的文件夹中建立符号链接</translation>
    </message>
    <message>
        <source>skipped {kind}</source>
        <translation>已跳过 {kind}</translation>
    </message>
    <message>
        <source>Nothing to link.</source>
        <translation>没有需要链接的内容。</translation>
    </message>
    <message>
        <source>Share model folders</source>
        <extracomment>A share was applied (a one-line summary). A preview arrived (tests wait on it).</extracomment>
        <translation>共享模型文件夹</translation>
    </message>
    <message>
        <source>all kinds  (e.g. loras, checkpoints)</source>
        <translation>所有类型  （例如 loras, checkpoints）</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Kinds</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Preview first: nothing is written before Apply.</source>
        <translation>请先预览：点击“应用”之前不会写入任何内容。</translation>
    </message>
    <message>
        <source>Choose two different tools.</source>
        <translation>请选择两个不同的工具。</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <source>Skipped: {kinds}.</source>
        <translation>已跳过：{kinds}。</translation>
    </message>
    <message>
        <source>(backed up first)</source>
        <translation>（会先备份）</translation>
    </message>
    <message>
        <source>Apply writes section {section} of {path}{backup}.</source>
        <translation>“应用”将写入 {path} 的 {section} 部分{backup}。</translation>
    </message>
    <message>
        <source>{path} already has this section: nothing to change.</source>
        <translation>{path} 已有此部分：无需更改。</translation>
    </message>
    <message>
        <source>1 file to link</source>
        <translation>1 个文件待链接</translation>
    </message>
    <message>
        <source>%n files to link</source>
        <translation>%n 个文件待链接</translation>
    </message>
    <message>
        <source>1 conflict left alone.</source>
        <translation>1 处冲突保持不变。</translation>
    </message>
    <message>
        <source>%n conflicts left alone.</source>
        <translation>%n 处冲突保持不变。</translation>
    </message>
    <message>
        <source>{to_link} ({size} not copied), {present} already there, {conflicts}</source>
        <translation>{to_link}（无需复制 {size}），{present} 个已存在，{conflicts}</translation>
    </message>
    <message>
        <source>; the old file is kept as {name}</source>
        <translation>；旧文件保留为 {name}</translation>
    </message>
    <message>
        <source>Wrote {section} to {path}{kept}.</source>
        <translation>已将 {section} 写入 {path}{kept}。</translation>
    </message>
    <message>
        <source>, {n} failed</source>
        <translation>，{n} 个失败</translation>
    </message>
    <message>
        <source>Linked {n} files ({size}){failed}.</source>
        <translation>已链接 {n} 个文件（{size}）{failed}。</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Everywhere</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Local models</source>
        <translation>本地模型</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>ComfyUI</source>
        <translation>ComfyUI</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Add downloads (IDs or URLs)</source>
        <translation>添加下载（ID 或网址）</translation>
    </message>
    <message>
        <source>Add what the clipboard holds</source>
        <translation>添加剪贴板中的内容</translation>
    </message>
    <message>
        <source>Search (Browse) or filter the list</source>
        <translation>搜索（浏览）或筛选列表</translation>
    </message>
    <message>
        <source>Show keyboard shortcuts</source>
        <translation>显示键盘快捷键</translation>
    </message>
    <message>
        <source>Show the error inspector (every failure)</source>
        <translation>显示错误检查器（所有失败）</translation>
    </message>
    <message>
        <source>Show the statistics dashboard</source>
        <translation>显示统计面板</translation>
    </message>
    <message>
        <source>Compare two models (repos, revisions or files)</source>
        <translation>比较两个模型（仓库、修订版本或文件）</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Pause or resume the selected downloads</source>
        <translation>暂停或继续所选下载</translation>
    </message>
    <message>
        <source>Pause all downloads</source>
        <translation>暂停所有下载</translation>
    </message>
    <message>
        <source>Resume all downloads</source>
        <translation>继续所有下载</translation>
    </message>
    <message>
        <source>Retry the selected downloads</source>
        <translation>重试所选下载</translation>
    </message>
    <message>
        <source>Cancel the selected downloads</source>
        <translation>取消所选下载</translation>
    </message>
    <message>
        <source>Remove the selected downloads (keep data)</source>
        <translation>移除所选下载（保留数据）</translation>
    </message>
    <message>
        <source>Remove and delete partial data</source>
        <translation>移除并删除未完成的数据</translation>
    </message>
    <message>
        <source>Move up in the queue</source>
        <translation>在队列中上移</translation>
    </message>
    <message>
        <source>Move down in the queue</source>
        <translation>在队列中下移</translation>
    </message>
    <message>
        <source>Move to the top of the queue</source>
        <translation>移到队列顶部</translation>
    </message>
    <message>
        <source>Move to the bottom of the queue</source>
        <translation>移到队列底部</translation>
    </message>
    <message>
        <source>Open the download folder</source>
        <translation>打开下载文件夹</translation>
    </message>
    <message>
        <source>Copy the source URL</source>
        <translation>复制来源网址</translation>
    </message>
    <message>
        <source>Select every download</source>
        <translation>选择所有下载</translation>
    </message>
    <message>
        <source>Scan every folder again</source>
        <translation>重新扫描所有文件夹</translation>
    </message>
    <message>
        <source>Open the file&apos;s folder</source>
        <translation>打开文件所在文件夹</translation>
    </message>
    <message>
        <source>Copy the file&apos;s path</source>
        <translation>复制文件路径</translation>
    </message>
    <message>
        <source>Show the file&apos;s duplicates</source>
        <translation>显示文件的重复副本</translation>
    </message>
    <message>
        <source>Cancel the scan (what it found is kept)</source>
        <translation>取消扫描（保留已找到的内容）</translation>
    </message>
    <message>
        <source>Show or hide the details</source>
        <translation>显示或隐藏详情</translation>
    </message>
    <message>
        <source>The indexed files</source>
        <translation>已索引的文件</translation>
    </message>
    <message>
        <source>The duplicates</source>
        <translation>重复文件</translation>
    </message>
    <message>
        <source>Find duplicates</source>
        <translation>查找重复文件</translation>
    </message>
    <message>
        <source>Reclaim space taken by duplicates</source>
        <translation>回收重复文件占用的空间</translation>
    </message>
    <message>
        <source>Scan one folder</source>
        <translation>扫描一个文件夹</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新建配置</translation>
    </message>
    <message>
        <source>Edit the selected profile</source>
        <translation>编辑所选配置</translation>
    </message>
    <message>
        <source>Remove the selected profile</source>
        <translation>移除所选配置</translation>
    </message>
    <message>
        <source>Detect tools again (and their profiles)</source>
        <translation>重新检测工具（及其配置）</translation>
    </message>
    <message>
        <source>Add a tool folder</source>
        <translation>添加工具文件夹</translation>
    </message>
    <message>
        <source>Open the selected folder</source>
        <translation>打开所选文件夹</translation>
    </message>
    <message>
        <source>Copy the selected folder&apos;s path</source>
        <translation>复制所选文件夹的路径</translation>
    </message>
    <message>
        <source>Share one tool&apos;s model folders with another</source>
        <translation>与另一个工具共享某个工具的模型文件夹</translation>
    </message>
    <message>
        <source>Open a workflow, image or video</source>
        <translation>打开工作流、图像或视频</translation>
    </message>
    <message>
        <source>Check the workflow JSON on the clipboard</source>
        <translation>检查剪贴板中的工作流 JSON</translation>
    </message>
    <message>
        <source>Check the workflow again</source>
        <translation>重新检查工作流</translation>
    </message>
    <message>
        <source>Download the missing models</source>
        <translation>下载缺失的模型</translation>
    </message>
    <message>
        <source>Copy the file name</source>
        <translation>复制文件名</translation>
    </message>
    <message>
        <source>Cancel Download missing (partial data kept)</source>
        <translation>取消“下载缺失模型”（保留未完成的数据）</translation>
    </message>
    <message>
        <source>Retry the failed task (or scan again)</source>
        <translation>重试失败的任务（或重新扫描）</translation>
    </message>
    <message>
        <source>Copy the report to the clipboard</source>
        <translation>把报告复制到剪贴板</translation>
    </message>
    <message>
        <source>Open the settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <source>Filter the failures</source>
        <translation>筛选失败记录</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Go to {tab}</source>
        <translation>转到{tab}</translation>
    </message>
</context>
<context>
    <name>SpeedGraph</name>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
</context>
<context>
    <name>StatsDashboard</name>
    <message>
        <source>7 days</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 天</translation>
    </message>
    <message>
        <source>90 days</source>
        <translation>90 天</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Statistics</source>
        <extracomment>The data shown changed (a DashboardData), after a load.</extracomment>
        <translation>统计</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Completed downloads</source>
        <translation>完成的下载</translation>
    </message>
    <message>
        <source>Failed / cancelled</source>
        <translation>失败 / 取消</translation>
    </message>
    <message>
        <source>Average speed</source>
        <translation>平均速度</translation>
    </message>
    <message>
        <source>Library on disk</source>
        <translation>磁盘上的模型库</translation>
    </message>
    <message>
        <source>Bytes per day</source>
        <translation>每日下载量</translation>
    </message>
    <message>
        <source>Downloads per day</source>
        <translation>每日下载次数</translation>
    </message>
    <message>
        <source>Average speed per day</source>
        <translation>每日平均速度</translation>
    </message>
    <message>
        <source>No downloads in this period</source>
        <translation>此期间没有下载</translation>
    </message>
    <message>
        <source>No files in the library yet: scan a folder</source>
        <translation>模型库中还没有文件：请扫描一个文件夹</translation>
    </message>
    <message>
        <source>Top repositories</source>
        <translation>下载最多的仓库</translation>
    </message>
    <message>
        <source>Library by tool</source>
        <translation>按工具统计模型库</translation>
    </message>
    <message>
        <source>Library by kind</source>
        <translation>按类型统计模型库</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Could not read the statistics: {error}</source>
        <translation>无法读取统计数据：{error}</translation>
    </message>
    <message>
        <source>Bytes over the time spent downloading in the period</source>
        <translation>此期间下载的字节数除以下载所用时间</translation>
    </message>
    <message>
        <source>{count} indexed files (hfsuite scan)</source>
        <translation>{count} 个已索引文件（hfsuite scan）</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Limit</source>
        <extracomment>New counts per state arrived (dict[TaskState, int]). The error counter was clicked: show the error inspector.</extracomment>
        <translation>限速</translation>
    </message>
    <message>
        <source> MiB/s</source>
        <translation> MiB/s</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>不限速</translation>
    </message>
    <message>
        <source>Bandwidth limit for all downloads (0: unlimited)</source>
        <translation>所有下载的带宽限制（0：不限速）</translation>
    </message>
    <message>
        <source>{rate} MiB/s</source>
        <translation>{rate} MiB/s</translation>
    </message>
    <message>
        <source>Common limits</source>
        <translation>常用限速</translation>
    </message>
    <message>
        <source>{n} active</source>
        <translation>{n} 个进行中</translation>
    </message>
    <message>
        <source>{n} queued</source>
        <translation>{n} 个排队</translation>
    </message>
    <message>
        <source>{n} paused</source>
        <translation>{n} 个暂停</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} 个失败</translation>
    </message>
    <message>
        <source>⚠ 1 error</source>
        <translation>⚠ 1 个错误</translation>
    </message>
    <message>
        <source>⚠ %n errors</source>
        <translation>⚠ %n 个错误</translation>
    </message>
    <message>
        <source>No errors</source>
        <translation>没有错误</translation>
    </message>
    <message>
        <source>Every failure, its cause and its fix ({keys})</source>
        <translation>所有失败及其原因和解决办法（{keys}）</translation>
    </message>
</context>
<context>
    <name>TargetCombo</name>
    <message>
        <source>Profile {name}</source>
        <translation>配置 {name}</translation>
    </message>
</context>
<context>
    <name>TaskDetails</name>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>No task selected</source>
        <translation>未选择任务</translation>
    </message>
    <message>
        <source>Select a download to see its files and speed.</source>
        <translation>选择一个下载以查看其文件和速度。</translation>
    </message>
    <message>
        <source>Speed · all downloads</source>
        <translation>速度 · 全部下载</translation>
    </message>
</context>
<context>
    <name>TaskFilesModel</name>
    <message>
        <source>File</source>
        <extracomment>Done as a fraction 0…1 (progress column). The file&apos;s state as text (``pending``, ``downloading``, ``completed``…).</extracomment>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>校验中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Already there</source>
        <translation>已存在</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>TaskModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>工作节点</translation>
    </message>
    <message>
        <source>Queued</source>
        <extracomment>The record of the row (any column). Done as a fraction 0…1, or None when unknown (progress column). The task&apos;s :class:`~hfsuite.core.types.TaskState`. The task id.</extracomment>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>▲ High</source>
        <translation>▲ 高</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>▼ Low</source>
        <translation>▼ 低</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>space</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Destination: {path}</source>
        <translation>保存位置：{path}</translation>
    </message>
    <message>
        <source>Files: {done} of {total}</source>
        <translation>文件：{done}/{total}</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>错误：{error}</translation>
    </message>
</context>
<context>
    <name>Toast</name>
    <message>
        <source>Details</source>
        <extracomment>The toast closed (by its timer, its button, or the host). The &quot;Details&quot; button was pressed.</extracomment>
        <translation>详情</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Error details</source>
        <extracomment>Every toast shown so far as (kind, title, message) — for tests and the log view.</extracomment>
        <translation>错误详情</translation>
    </message>
</context>
<context>
    <name>TokenInput</name>
    <message>
        <source>hf_…  (paste a token from huggingface.co/settings/tokens)</source>
        <extracomment>The token to check (stripped, never empty). The token to validate and store.</extracomment>
        <translation>hf_…  （粘贴来自 huggingface.co/settings/tokens 的令牌）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show or hide the token</source>
        <translation>显示或隐藏令牌</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Validate the token, then store it in the keyring</source>
        <translation>验证令牌，然后保存到密钥环</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Checking with the Hub…</source>
        <translation>正在向 Hub 核实…</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>HF Download Suite</source>
        <translation>HF Download Suite</translation>
    </message>
    <message>
        <source>Show window</source>
        <extracomment>Every notice (title, text), whether or not a tray shows it.</extracomment>
        <translation>显示窗口</translation>
    </message>
    <message>
        <source>, {n} queued</source>
        <translation>，{n} 个排队</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在开始</translation>
    </message>
    <message>
        <source>HF Download Suite — {active} downloading, {percent}, {rate}</source>
        <translation>HF Download Suite — {active} 个下载中，{percent}，{rate}</translation>
    </message>
    <message>
        <source>HF Download Suite — idle</source>
        <translation>HF Download Suite — 空闲</translation>
    </message>
</context>
</TS>
