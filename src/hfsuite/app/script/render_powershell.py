"""A :class:`~hfsuite.app.script.plan.ScriptPlan` as a PowerShell script.

Windows PowerShell 5.1 and PowerShell 7: Invoke-WebRequest for the transfer (resumed with
``-Resume`` where PowerShell has it), Get-FileHash for SHA-256, .NET's SHA1 for git blob ids.
The token is read from ``HF_TOKEN`` when the script runs. The script is ASCII only (see
:func:`~hfsuite.app.script.quoting.powershell_quote`), and writes a plain folder: the HF cache's
symlinks need Developer Mode or administrator rights on Windows, so an HF cache destination is
refused when the script is generated (:class:`~hfsuite.core.errors.UsageError`).
"""

from __future__ import annotations

from hfsuite import __version__
from hfsuite.app.script.plan import ScriptPlan
from hfsuite.app.script.quoting import powershell_quote as q
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

__all__ = ["render_powershell"]

_BODY = r"""
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$Endpoint = if ($env:HF_ENDPOINT) { $env:HF_ENDPOINT } else { $DefaultEndpoint }
$Endpoint = $Endpoint.TrimEnd('/')
# .NET resolves relative paths against the process's folder, not PowerShell's location.
$Dest = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Dest)
$Sep = [System.IO.Path]::DirectorySeparatorChar
$Meta = [System.IO.Path]::Combine($Dest, '.cache', 'huggingface')
$CacheDirTag = "Signature: 8a477f597d28d172789f06886806bc55`n" +
    "# This file is a cache directory tag created by huggingface_hub.`n" +
    "# For information about cache directory tags, see:`n" +
    "#`thttps://bford.info/cachedir/`n"

function Write-Note([string]$Text) { [Console]::Error.WriteLine($Text) }

function Stop-WithError([string]$Text) {
    [Console]::Error.WriteLine("error: $Text")
    exit 1
}

function Get-LocalPath([string]$Root, [string]$RepoPath) {
    [System.IO.Path]::Combine($Root, $RepoPath.Replace('/', $Sep))
}

function New-Folder([string]$Path) {
    [void][System.IO.Directory]::CreateDirectory($Path)
}

function Write-Text([string]$Path, [string]$Text) {
    New-Folder ([System.IO.Path]::GetDirectoryName($Path))
    [System.IO.File]::WriteAllText($Path, $Text, (New-Object System.Text.UTF8Encoding($false)))
}

function Get-Digest([string]$Path, [string]$Kind, [long]$Size) {
    if ($Kind -eq 'sha256') {
        return (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
    }
    if ($Kind -ne 'git-sha1') { return '' }
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    $head = [System.Text.Encoding]::ASCII.GetBytes("blob $Size" + [char]0)
    [void]$sha1.TransformBlock($head, 0, $head.Length, $null, 0)
    $stream = [System.IO.File]::OpenRead($Path)
    try {
        $buffer = New-Object byte[] 1048576
        while (($read = $stream.Read($buffer, 0, $buffer.Length)) -gt 0) {
            [void]$sha1.TransformBlock($buffer, 0, $read, $null, 0)
        }
    } finally { $stream.Dispose() }
    [void]$sha1.TransformFinalBlock((New-Object byte[] 0), 0, 0)
    return (($sha1.Hash | ForEach-Object { $_.ToString('x2') }) -join '')
}

function Test-Content([string]$Path, [long]$Size, [string]$Kind, [string]$Want) {
    if (-not [System.IO.File]::Exists($Path)) { return $false }
    if ((Get-Item -LiteralPath $Path).Length -ne $Size) { return $false }
    return ($Kind -eq 'size') -or ((Get-Digest $Path $Kind $Size) -eq $Want)
}

function Get-Remote([string]$Url, [string]$Part, [long]$Size, [string]$RepoPath) {
    New-Folder ([System.IO.Path]::GetDirectoryName($Part))
    if (-not [System.IO.File]::Exists($Part)) {
        [System.IO.File]::WriteAllBytes($Part, (New-Object byte[] 0))
    }
    $headers = @{ 'User-Agent' = 'hfsuite-script/1' }
    if ($env:HF_TOKEN) { $headers['Authorization'] = "Bearer $($env:HF_TOKEN)" }
    $resume = $PSVersionTable.PSVersion.Major -ge 7
    $last = ''
    for ($attempt = 1; $attempt -le 5; $attempt++) {
        $have = 0
        if ([System.IO.File]::Exists($Part)) { $have = (Get-Item -LiteralPath $Part).Length }
        if ($have -gt $Size) { Remove-Item -LiteralPath $Part -Force; $have = 0 }
        if ($have -eq $Size) { return }
        $params = @{ Uri = $Url; OutFile = $Part; Headers = $headers; UseBasicParsing = $true }
        if ($resume -and $have -gt 0) { $params['Resume'] = $true }
        try {
            Invoke-WebRequest @params
            if ((Get-Item -LiteralPath $Part).Length -eq $Size) { return }
            $last = 'the file was cut short'
        } catch {
            $status = 0
            if ($_.Exception.Response) { $status = [int]$_.Exception.Response.StatusCode }
            if ($status -eq 401 -or $status -eq 403) {
                Stop-WithError ("$RepoPath could not be downloaded (HTTP $status): " +
                    "set HF_TOKEN to a token with access to $RepoId.")
            }
            if ($status -ge 400 -and $status -lt 500 -and $status -ne 416 -and $status -ne 429) {
                Stop-WithError "$RepoPath could not be downloaded (HTTP $status from $Url)."
            }
            if ($status -eq 416) {
                Remove-Item -LiteralPath $Part -Force -ErrorAction SilentlyContinue
            }
            $last = $_.Exception.Message
        }
        Write-Note "    retrying ($last)"
        Start-Sleep -Seconds ([Math]::Min(30, [Math]::Pow(2, $attempt)))
    }
    Stop-WithError "$RepoPath could not be downloaded: $last"
}

function Assert-Content(
    [string]$RepoPath, [string]$Part, [long]$Size, [string]$Kind, [string]$Want
) {
    $have = (Get-Item -LiteralPath $Part).Length
    if ($have -ne $Size) {
        Remove-Item -LiteralPath $Part -Force
        Stop-WithError ("$RepoPath failed the size check: expected $Size bytes, " +
            "got $have (removed; run again).")
    }
    $got = Get-Digest $Part $Kind $Size
    if ($got -ne $Want) {
        Remove-Item -LiteralPath $Part -Force
        $what = if ($Kind -eq 'sha256') { 'SHA-256' } else { 'git blob SHA-1' }
        Stop-WithError ("$RepoPath failed the $what check: expected $Want, got $got " +
            "(removed; run again).")
    }
}

Write-Note "$RepoId@$Commit -> $Dest"
New-Folder ([System.IO.Path]::Combine($Meta, 'download'))
$gitignore = [System.IO.Path]::Combine($Meta, '.gitignore')
if (-not [System.IO.File]::Exists($gitignore)) { Write-Text $gitignore '*' }
$tag = [System.IO.Path]::Combine($Meta, 'CACHEDIR.TAG')
if (-not [System.IO.File]::Exists($tag)) { Write-Text $tag $CacheDirTag }

foreach ($f in $Files) {
    $final = Get-LocalPath $Dest $f.Path
    $side = Get-LocalPath ([System.IO.Path]::Combine($Meta, 'download')) $f.Path
    $metadata = "$side.metadata"
    $current = $false
    if ([System.IO.File]::Exists($metadata) -and [System.IO.File]::Exists($final)) {
        $lines = [System.IO.File]::ReadAllLines($metadata)
        $current = ($lines.Length -gt 1) -and ($lines[1].Trim() -eq $f.Etag) -and
            ((Get-Item -LiteralPath $final).Length -eq $f.Size)
    }
    if ($current) { Write-Note "  ok        $($f.Path)"; continue }
    if (Test-Content $final $f.Size $f.Kind $f.Digest) {
        Write-Note "  ok        $($f.Path)"
    } else {
        Write-Note "  download  $($f.Path) ($($f.Size) bytes)"
        # A partial file named by its etag (hex): no wildcard characters for -OutFile.
        $part = [System.IO.Path]::Combine($Meta, 'download', "$($f.Etag).ps1.incomplete")
        Get-Remote "$Endpoint/$($f.UrlPath)" $part $f.Size $f.Path
        Assert-Content $f.Path $part $f.Size $f.Kind $f.Digest
        New-Folder ([System.IO.Path]::GetDirectoryName($final))
        Move-Item -LiteralPath $part -Destination $final -Force
    }
    $stamp = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    Write-Text $metadata "$Commit`n$($f.Etag)`n$stamp`n"
}
Write-Output $Dest
"""


def render_powershell(plan: ScriptPlan) -> str:
    """The PowerShell script downloading ``plan``.

    Raises:
        UsageError: ``plan`` goes to the HF cache (this script writes plain folders only).
    """
    if plan.is_hf_cache:
        raise UsageError(
            tr(
                "PowerShell scripts download into a plain folder only, not the HF cache "
                "(its symlinks need Developer Mode or administrator rights on Windows)."
            ),
            hint=tr("Add --local-dir DIR, or generate --shell python or bash for the HF cache."),
        )
    lines = [
        f"# Generated by hfsuite {__version__} (hfsuite script --shell powershell).",
        f"# Downloads {plan.display_name} ({len(plan.files)} file(s), {plan.total_bytes} bytes)",
        "# into a local folder, checks every file's size and hash, and can be run again.",
        "# Needs: Windows PowerShell 5.1 or PowerShell 7. Token: HF_TOKEN (read when it runs).",
        "# Endpoint: HF_ENDPOINT, else $DefaultEndpoint below.",
        "",
        f"$DefaultEndpoint = {q(plan.endpoint)}",
        f"$RepoId = {q(plan.repo_id)}",
        f"$Commit = {q(plan.commit)}",
        f"$Dest = {q(str(plan.destination.path))}",
        "$Files = @(",
    ]
    for f in plan.files:
        fields = (
            f"Path = {q(f.path)}; Size = {f.size}; Kind = {q(f.hash_kind)}; "
            f"Digest = {q(f.digest)}; Etag = {q(f.etag)}; UrlPath = {q(f.url_path)}"
        )
        lines.append(f"    @{{ {fields} }}")
    lines.append(")")
    return "\n".join(lines) + "\n" + _BODY
