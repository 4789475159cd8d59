"""All replies of a content folder, loaded and validated together before anything is written."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import intros as intros_module
from .cache import FileCache
from .intros import Intro
from .model import Reply
from .privacy import Guard
from .workers import map_spans
from .validate import Problem, attachment_problem, parse_reply

#: A reply file larger than this is not a letter; it is a pasted document or a mistake.
MAX_FILE_BYTES = 2 * 1024 * 1024

#: What staff rename to .md by mistake, by the bytes it starts with.
_SIGNATURES = (
    (b"PK\x03\x04", "Word（.docx）、WPS 或压缩包文件"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word（.doc）、WPS 或 Excel 文件"),
    (b"%PDF", "PDF 文件"),
    (b"{\\rtf", "RTF 文件（Word、写字板另存的“RTF 格式”）"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class ContentError(SystemExit):
    """The content is invalid; the message is the full report for staff.

    A SystemExit, so that `pelican` prints the report as it is (no traceback) and exits with 1.
    """

    def __init__(self, problems: list[Problem], root=None):
        self.problems = problems
        super().__init__(report(problems, root))


def report(problems: list[Problem], root=None) -> str:
    """All problems, one a line, with paths relative to the working folder, then a summary line."""
    files = len({p.source for p in problems})
    lines = [str(p) if root is None else str(p.under(root)) for p in problems]
    lines.append(f"共发现 {len(problems)} 个错误，涉及 {files} 个文件。内容有误，未生成任何网页。")
    return "\n".join(lines)


@dataclass
class Store:
    root: Path  # the content folder
    replies: list[Reply] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    intros: dict[tuple[str, str], Intro] = field(default_factory=dict)  # (kind, name) -> introduction
    # disclosure.secrets(store), worked out before the reader releases the published letters
    secrets: list | None = None
    # source -> what changes when the file changes (None: not known, e.g. a symlink), of every reply file
    stamps: dict[str, tuple | None] = field(default_factory=dict)

    @property
    def public(self) -> list[Reply]:
        return [r for r in self.replies if r.is_public]

    def by_path(self, path) -> Reply | None:
        """The reply read from `path` (absolute or relative to the content folder)."""
        if not hasattr(self, "_by_source"):
            self._by_source = {r.source: r for r in self.replies}
            # The reader asks once per file with the path Pelican joined from PATH: looked up as
            # given first, since resolving symlinks costs several system calls a file.
            self._by_absolute = {os.path.abspath(self.root / r.source): r for r in self.replies}
            self._resolved_root = self.root.resolve()
        found = self._by_absolute.get(os.path.abspath(path))
        if found is not None:
            return found
        try:
            relative = Path(path).resolve().relative_to(self._resolved_root)
        except ValueError:
            return None
        return self._by_source.get(relative.as_posix())

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ContentError(self.problems, self.root)


def reply_files(content_root: Path, replies_dir: str) -> list[Path]:
    folder = content_root / replies_dir
    return sorted(folder.rglob("*.md")) if folder.is_dir() else []


def load(content_root, replies_dir: str = "replies", guard: Guard | None = None,
         cache: FileCache | None = None, workers: int = 1) -> Store:
    """Read and validate every reply under `content_root/replies_dir`, then the cross-file rules,
    and the introductions of classes and categories.  `guard` is the privacy guard of the settings
    (privacy.guard(settings)); without it, nothing is allow-listed.  `cache` (of the same guard and
    code) holds the valid published replies of the previous build by file, which are not read again unless
    changed.  The others are read by `workers` forked processes (YAML and the checks take 3 s of 10,000
    replies on one core)."""
    root = Path(content_root)
    store = Store(root)
    resolved_root = root.resolve()
    inside = _Inside(resolved_root)
    found = []  # (path, source, stamp, the cache's (stamp, reply) or None to read the file)
    for path in reply_files(root, replies_dir):
        source = path.relative_to(root).as_posix()
        stamp = _stamp(path) if cache is not None and inside(path.parent) else None
        cached = cache.get(source) if stamp else None
        valid = cached and cached[0] == stamp and _attachments_found(cached[1], root)
        found.append((path, source, stamp, cached if valid else None))
    read = iter(_read_all([item for item in found if item[3] is None], root, resolved_root, guard, workers))
    for _, source, stamp, cached in found:
        store.stamps[source] = stamp
        if cached is not None:
            cache.put(source, cached)  # the same value: a rebuild of nothing changed does not save it
            store.replies.append(cached[1])
            continue
        reply, problems = next(read)
        store.problems.extend(problems)
        if reply:
            store.replies.append(reply)
            if stamp and reply.is_public and not reply.is_summary_only:
                # Only what is published goes into the cache: the text of a withheld reply or of a 摘要
                # letter stays in its file (a cache inside the output folder would fail the build's
                # disclosure check, or be deployed with it).  They are a few percent, read every build.
                cache.put(source, (stamp, reply))
    store.problems.extend(_duplicates(store.replies))
    store.intros, problems = intros_module.load(root)
    store.problems.extend(problems)
    store.problems.sort()
    return store


#: What forked readers read (set before the pool starts, so every worker inherits it).
_JOB: dict = {}


def _read_all(items: list, root: Path, resolved_root: Path, guard, count: int) -> list:
    """(reply or None, problems) of each (path, source, ...) item, in forked workers when there are many."""
    if count < 2 or len(items) < 200:
        return [_read_one(path, source, root, resolved_root, guard) for path, source, _, _ in items]
    _JOB.update(items=items, root=root, resolved_root=resolved_root, guard=guard)
    try:
        return map_spans(_read_range, len(items), count)
    finally:
        _JOB.clear()


def _read_range(span: tuple[int, int]) -> list:
    job = _JOB
    return [_read_one(path, source, job["root"], job["resolved_root"], job["guard"])
            for path, source, _, _ in job["items"][span[0]:span[1]]]


def _read_one(path: Path, source: str, root: Path, resolved_root: Path, guard) -> tuple:
    text, problem = read_text(path, root, source, resolved_root)
    if problem:
        return None, [problem]
    return parse_reply(text, source, root, guard)


def _stamp(path: Path) -> tuple | None:
    """What changes when the file is written, replaced or touched; None for a symlink, which is read
    every time (its target may change, or leave the content folder, without the link changing)."""
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        return None
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


class _Inside:
    """Whether a folder is inside the content folder once symlinks are resolved, as read_text checks
    for each file; resolved once per folder."""

    def __init__(self, resolved_root: Path):
        self.resolved_root = resolved_root
        self.known: dict[Path, bool] = {}

    def __call__(self, folder: Path) -> bool:
        if folder not in self.known:
            resolved = folder.resolve()
            self.known[folder] = resolved == self.resolved_root or self.resolved_root in resolved.parents
        return self.known[folder]


def _attachments_found(reply: Reply, root: Path) -> bool:
    """Validation also checks that the attachments exist: a cached reply whose attachment has gone is
    read again, to report it."""
    return not any(attachment_problem(root, a.file) for a in reply.attachments)


def read_text(path: Path, root: Path, source: str, resolved_root: Path | None = None
              ) -> tuple[str | None, Problem | None]:
    """Decode one file, or say in Chinese why it cannot be read as a reply.  `resolved_root` is
    root.resolve(), when the caller reads many files (resolving costs a system call per folder)."""
    if (resolved_root or root.resolve()) not in path.resolve().parents:
        return None, Problem(source, 0, "这是指向 content 目录之外的链接（symlink），不能作为答复发布。请把文件本身放进 content 目录。")
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, Problem(source, 0, f"文件过大（{path.stat().st_size // 1024} KB，上限 {MAX_FILE_BYTES // 1024} KB）。"
                                        "答复文件只应包含 front-matter 和答复正文；大文件请作为附件（attachments）。")
    data = path.read_bytes()
    if data.startswith(_UTF16_BOMS):
        return None, Problem(source, 0, "文件是 UTF-16 编码（记事本另存时选了“Unicode”）。请用编辑器“另存为 UTF-8”，"
                                        "或运行 invoke check --fix 自动转换。")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return None, Problem(source, 0, f"这是{what}，只是扩展名改成了 .md，不是文本文件。"
                                            "请把答复内容复制到 UTF-8 编码的 .md 文本文件中（附件请用 attachments 字段）。")
    if b"\x00" in data:
        return None, Problem(source, 0, "这不是文本文件（可能是改了扩展名的 Word、PDF 或图片文件）。"
                                        "请把答复内容复制到 UTF-8 编码的 .md 文本文件中。")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if legacy_text(data):
            return None, Problem(source, line, "文件是 GBK/GB18030 编码（Windows 中文版记事本、Word 另存为“ANSI”或"
                                               "“简体中文 GB2312”时的编码），不是 UTF-8。请运行 invoke check --fix 自动转换"
                                               "为 UTF-8，或用编辑器“另存为 UTF-8”。")
        return None, Problem(source, line, "文件不是 UTF-8 编码，也不是 GBK/GB18030 编码，无法识别其中的文字。"
                                           "请用编辑器打开后“另存为 UTF-8”。")


def legacy_text(data: bytes) -> str | None:
    """The text of a file that is not UTF-8 but was saved by a Chinese Windows program: UTF-16 with
    its byte-order mark (Notepad's “Unicode”), or GB18030 (which includes GBK and GB2312, the
    “ANSI” of Chinese Windows).  None when the bytes do not decode to plain text."""
    try:
        text = data.decode("utf-16") if data.startswith(_UTF16_BOMS) else data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # GB18030 decodes many byte strings; binary leaves control characters behind, text does not.
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None
    return text.lstrip("\ufeff")


def _duplicates(replies: list[Reply]) -> list[Problem]:
    problems = []
    for attribute, describe in (("identity", _identity_message), ("address", _address_message)):
        groups = defaultdict(list)
        for reply in replies:
            key = reply.identity if attribute == "identity" else (reply.year, reply.slug)
            groups[key].append(reply)
        for group in groups.values():
            if len(group) < 2 or (attribute == "address" and len({r.identity for r in group}) < len(group)):
                continue  # an identity duplicate is already reported
            for reply in group:
                others = "、".join(o.source for o in group if o is not reply)
                problems.append(Problem(reply.source, reply.lines.get("number", 0), describe(reply, others)))
    return problems


def _identity_message(reply: Reply, others: str) -> str:
    return (f"编号重复：{reply.level}{reply.kind} {reply.number_label} 同时出现在 {others}。"
            "同一会议、层级、类型的编号（number）只能有一件，请核对编号（number）或届次会议（session）。")


def _address_message(reply: Reply, others: str) -> str:
    return (f"网址冲突：本件与 {others} 的年度（year）、层级、类型和编号（number）相同，会得到同一个网址 "
            f"{reply.year}/{reply.slug}/。请核对编号或年度。")
