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
