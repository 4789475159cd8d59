"""What a build worked out per reply, kept under CACHE_PATH so that the next build redoes only what changed.

A cache file holds one {key: value} dict, valid for one `version`: a hash of the code and of the settings
the values depend on (see version()).  A file of another version, or one that cannot be read back exactly
(damaged, cut short, written by another Python), is not used: the build works everything out again, which
is always right, only slower.  A file is replaced whole (written beside it, then renamed) and only when
its content changed; it is one file for all replies, since this disk is slow at creating many files.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import logging
import os
import pickle
import sys
import zlib

from written.files import folder_tag

log = logging.getLogger(__name__)

_MAGIC = b"build-cache 2\n"
#: Values per frame: a cache file is written and read a frame at a time, so that neither the process
#: writing it (forked: what it allocates adds to the build's memory) nor the one reading it ever holds
#: the serialized form of all values (1 GB for the search records of 100,000 replies).
FRAME_VALUES = 1000
_SIZE = 8  # bytes of a frame's length

#: (process, file) of the forked processes writing cache files
_writing: list[tuple[int, str]] = []


def version(*packages, settings=()) -> str:
    """A hash of the Python source files of `packages` (imported modules of plugin packages) and of
    `settings` (any values with a stable repr: settings, library versions)."""
    digest = hashlib.sha256(repr((sys.version_info[:2], settings)).encode("utf-8"))
    for package in packages:
        folder = os.path.dirname(package.__file__)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                digest.update(name.encode("utf-8"))
                with open(os.path.join(folder, name), "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


def path(settings, name: str) -> str:
    """The cache file `name` of the replies plugin for one content folder: builds of other folders
    sharing CACHE_PATH never use it."""
    return os.path.join(os.path.abspath(settings["CACHE_PATH"]), "replies", f"{folder_tag(settings['PATH'])}-{name}")


class FileCache:
    """The values of the previous build (get) and those of this one (put), saved by save().

    `serializer` is pickle, or marshal for values made of str, bytes, numbers, lists, tuples and dicts
    only (search records, HTML), which it writes two to three times as fast."""

    def __init__(self, path: str, version: str, serializer=pickle):
        self.path = path
        self.version = version
        self.serializer = serializer
        _wait(self.path)  # a build that stopped early may still be writing it
        self._old = self._load()
        self._new = {}
        self._changed = False

    def get(self, key, default=None):
        """The value put in this build, else the previous build's."""
        return self._new[key] if key in self._new else self._old.get(key, default)

    def previous(self) -> list:
        """Every value of the previous build."""
        return list(self._old.values())

    def put(self, key, value) -> None:
        """Keep `value` for the next build; what is not put is forgotten when saved."""
        self._new[key] = value
        if not self._changed and self._old.get(key) is not value:
            self._changed = True

    def save(self) -> None:
        """Write this build's values, unless they are the previous build's (a rebuild of nothing).

        A forked process writes them while the build goes on (serializing 10,000 replies' values takes
        some tenths of a second); `finished()` waits for it."""
        if not self._changed and self._old.keys() == self._new.keys():
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        pid = os.fork()
        if pid:
            _writing.append((pid, self.path))
            return
        status = 1
        try:
            # Without garbage collection: it would run again and again while the objects are walked,
            # and copy every page of the build's memory it visits.
            gc.disable()
            self._write()
            status = 0
        finally:
            os._exit(status)  # not the build's exit handlers, nor its output buffers a second time

    def _write(self) -> None:
        """The file: _MAGIC, the version and the number of frames (8 hex digits), each on its line; then
        frames of up to FRAME_VALUES values: the length of the serialized dict (_SIZE bytes), its CRC-32
        (4 bytes), the dict."""
        head = _MAGIC + self.version.encode("ascii") + b"\n"
        temporary = f"{self.path}.{os.getpid()}.tmp"
        items, frames = iter(self._new.items()), 0
        with open(temporary, "wb") as handle:
            handle.write(head + b"%08x\n" % frames)
            while frame := dict(itertools.islice(items, FRAME_VALUES)):
                data = self.serializer.dumps(frame)
                handle.write(len(data).to_bytes(_SIZE, "little") + zlib.crc32(data).to_bytes(4, "little"))
                handle.write(data)
                frames += 1
            handle.seek(len(head))
            handle.write(b"%08x" % frames)
        os.replace(temporary, self.path)

    def _load(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                magic, version, frames = handle.readline(), handle.readline(), handle.readline()
                if magic != _MAGIC or version != self.version.encode("ascii") + b"\n":
                    log.info("cache %s is of other code or settings: working everything out again", self.path)
                    return {}
                try:
                    return self._frames(handle, int(frames, 16))
                except Exception as error:  # noqa: BLE001 - whatever a damaged file raises, it is not used
                    log.info("cache %s is damaged (%s): working everything out again", self.path, error)
                    return {}
        except FileNotFoundError:
            return {}
        except OSError as error:
            log.info("cache %s cannot be read (%s): working everything out again", self.path, error)
            return {}

    def _frames(self, handle, count: int) -> dict:
        """The values of the `count` frames from here, which must end the file; each frame is checked
        before it is deserialized (marshal is not meant for damaged data)."""
        values = {}
        with _collector_paused():
            for _ in range(count):
                prefix = handle.read(_SIZE + 4)
                data = handle.read(int.from_bytes(prefix[:_SIZE], "little"))
                if len(prefix) < _SIZE + 4 or zlib.crc32(data).to_bytes(4, "little") != prefix[_SIZE:]:
                    raise ValueError("checksum mismatch")
                frame = self.serializer.loads(data)
                if not isinstance(frame, dict):
                    raise ValueError(f"a {type(frame).__name__}, not a dict")
                values.update(frame)
        if handle.read(1):
            raise ValueError("more than the frames it counts")
        return values


def finished(*_sender) -> None:
    """Wait until the cache files being written are written (a `finalized` receiver)."""
    _wait()


def _wait(only: str | None = None) -> None:
    for pid, path in [w for w in _writing if only in (None, w[1])]:
        _writing.remove((pid, path))
        if os.waitpid(pid, 0)[1]:
            log.info("cache %s could not be written: the next build works its values out again", path)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused: it runs again and again while pickle makes the objects
    of 10,000 replies, which then takes two to three times as long."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
