"""Pelican's Writer, writing a page or feed only when its bytes change, and registering it (files.py)."""

from __future__ import annotations

import io

from pelican.writers import Writer

from . import files


class _Unchanged(io.StringIO):
    """Collects what Pelican writes to a file; on close, writes it unless the file already holds it."""

    def __init__(self, path: str, encoding: str):
        super().__init__()
        self.path = path
        self.codec = encoding  # StringIO.encoding is read-only

    def close(self) -> None:
        if not self.closed:
            files.write(self.path, self.getvalue().encode(self.codec))
        super().close()


class UnchangedWriter(Writer):
    def _open_w(self, filename, encoding, override=False):
        if filename in self._written_files or filename in self._overridden_files:
            # Written before in this build: Pelican's own rules (refuse, skip or overwrite) apply.
            return super()._open_w(filename, encoding, override)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Unchanged(filename, encoding)

