"""``hfsuite script``: a download turned into a standalone, reproducible script.

:mod:`.plan` resolves what to download (the commit, every file with its size and hash, the
destination) through the same source and selection as a download; the ``render_*`` modules
write it out as a bash, PowerShell or Python script that needs nothing of hfsuite to run;
:mod:`.render` picks the shell.
"""
