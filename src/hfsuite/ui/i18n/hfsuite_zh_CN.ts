<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
</TS>
