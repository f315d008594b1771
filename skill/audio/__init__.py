"""Hold audio: the committed MP3s that play long quiet stretches through Alexa's AudioPlayer.

Published names carry a short content hash (bed-60s.3f9a1c2e7b.mp3), so a rebuilt file gets a new URL and every
copy may be cached for a year. Code refers to the logical names below and asks audio_manifest() or audio_url()
for what to play.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["FILES_DIR", "BED_FILE", "CHIME_FILE", "LOGICAL_FILES", "audio_manifest", "audio_url", "local_path",
           "segment_file"]

FILES_DIR = Path(__file__).resolve().parent / "files"
BED_FILE = "bed-60s.mp3"
CHIME_FILE = "chime.mp3"
LOGICAL_FILES = (BED_FILE, CHIME_FILE)
SEGMENT_FILES = {"bed": BED_FILE, "chime": CHIME_FILE}  # a hold segment's kind -> its file
_HASH_CHARS = 10


def _hashed_name(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:_HASH_CHARS]
    return f"{path.stem}.{digest}{path.suffix}"


@lru_cache(maxsize=8)
def _manifest(files_dir: Path, stamp: tuple) -> tuple[tuple[str, str], ...]:
    return tuple((name, _hashed_name(files_dir / name)) for name in LOGICAL_FILES)


def audio_manifest(files_dir: Path | None = None) -> dict[str, str]:
    """Logical file name -> published (content-hashed) file name, e.g. {"chime.mp3": "chime.0a1b2c3d4e.mp3"}.

    Hashes are cached per folder and recomputed when a file changes (size or mtime), e.g. after a rebuild.
    """
    folder = Path(files_dir or FILES_DIR).resolve()
    stamp = tuple((st.st_size, st.st_mtime_ns) for st in ((folder / n).stat() for n in LOGICAL_FILES))
    return dict(_manifest(folder, stamp))


def audio_url(base_url: str, logical_name: str, files_dir: Path | None = None) -> str:
    """The URL to play for a logical file, under SKILL_AUDIO_BASE_URL (with or without a trailing slash)."""
    return f"{base_url.rstrip('/')}/{audio_manifest(files_dir)[logical_name]}"


def local_path(published_name: str, files_dir: Path | None = None) -> Path | None:
    """The committed file behind a published name, for serving locally; None for any other name."""
    for logical, published in audio_manifest(files_dir).items():
        if published_name == published:
            return Path(files_dir or FILES_DIR) / logical
    return None


def segment_file(kind: str) -> str:
    """The logical file a hold segment of ``kind`` ("bed" or "chime", see skill.core.holds) plays."""
    return SEGMENT_FILES[kind]
