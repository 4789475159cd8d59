"""Copies the attachments of public replies, and only those, into the output."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import registry


class AttachmentGenerator:
    """Attachments are not static paths: a withheld reply's attachment is never copied."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings
        self.output_path = Path(output_path)

    def generate_output(self, writer):
        store = registry.store_for(self.settings)
        files = {a.file for reply in store.public for a in reply.attachments}
        for file in sorted(files):
            target = self.output_path / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(store.root / file, target)
