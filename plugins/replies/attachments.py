"""Copies the attachments of public replies, and only those, into the output."""

from __future__ import annotations

from pathlib import Path

from written import files

from . import registry


class AttachmentGenerator:
    """Attachments are not static paths: a withheld reply's attachment is never copied."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings
        self.output_path = Path(output_path)

    def generate_output(self, writer):
        store = registry.store_for(self.settings)
        names = {a.file for reply in store.public for a in reply.attachments}
        for file in sorted(names):
            files.copy(store.root / file, self.output_path / file)
