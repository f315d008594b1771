"""A small MP3 frame-header walker, so tests (and the lead) can check audio without ffmpeg.

It reads every frame header, not just the first, because Alexa rejects a stream whose format changes mid-way
and a stray non-MP3 byte is exactly what a broken build would produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Mp3Info", "describe", "describe_bytes"]

# Bitrates in kbps by (MPEG-1?, layer) and the 4-bit index; index 0 ("free") and 15 (bad) are refused.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by version field (0 = 2.5, 2 = 2, 3 = 1); version field 1 is reserved.
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_VERSION_NAMES = {3: "1", 2: "2", 0: "2.5"}


@dataclass(frozen=True)
class Mp3Info:
    bitrate_kbps: int  # the bitrate of every frame when constant, else the rounded mean
    sample_rate_hz: int
    channels: int
    mpeg_version: str  # "1", "2" or "2.5"
    layer: int  # 1, 2 or 3
    frames: int
    duration_s: float
    constant_bitrate: bool = True


@dataclass(frozen=True)
class _Header:
    version: int
    layer: int
    bitrate_kbps: int
    sample_rate_hz: int
    channels: int
    length: int
    samples: int


def _parse_header(data: bytes, pos: int) -> _Header:
    if pos + 4 > len(data):
        raise ValueError(f"truncated frame header at byte {pos}")
    b1, b2, b3, b4 = data[pos : pos + 4]
    if b1 != 0xFF or (b2 & 0xE0) != 0xE0:
        raise ValueError(f"no MP3 frame sync at byte {pos}")
    version = (b2 >> 3) & 0b11
    layer = 4 - ((b2 >> 1) & 0b11)
    if version == 1:
        raise ValueError(f"reserved MPEG version at byte {pos}")
    if layer == 4:
        raise ValueError(f"reserved layer at byte {pos}")
    bitrate_index = b3 >> 4
    rate_index = (b3 >> 2) & 0b11
    padding = (b3 >> 1) & 1
    if bitrate_index in (0, 15):
        raise ValueError(f"free-format or bad bitrate index {bitrate_index} at byte {pos}")
    if rate_index == 3:
        raise ValueError(f"reserved sample rate index at byte {pos}")
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index]
    sample_rate = _SAMPLE_RATES[version][rate_index]
    channels = 1 if (b4 >> 6) == 0b11 else 2
    if layer == 1:
        length = (12 * bitrate * 1000 // sample_rate + padding) * 4
        samples = 384
    elif layer == 2 or mpeg1:
        length = 144 * bitrate * 1000 // sample_rate + padding
        samples = 1152
    else:  # Layer III in MPEG-2 / 2.5 carries half as many samples per frame
        length = 72 * bitrate * 1000 // sample_rate + padding
        samples = 576
    return _Header(version, layer, bitrate, sample_rate, channels, length, samples)


def _skip_id3v2(data: bytes) -> int:
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size_bytes = data[6:10]
    if any(b & 0x80 for b in size_bytes):
        raise ValueError("malformed ID3v2 tag size")
    size = 0
    for b in size_bytes:  # "syncsafe": 7 bits per byte
        size = (size << 7) | b
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def describe_bytes(data: bytes) -> Mp3Info:
    """Walk every frame of an MP3 byte string; ValueError unless it is one consistent MPEG audio stream."""
    pos = _skip_id3v2(data)
    end = len(data)
    if end - pos >= 128 and data[end - 128 : end - 125] == b"TAG":
        end -= 128  # trailing ID3v1 tag
    first: _Header | None = None
    frames = samples = bits = 0
    bitrates: set[int] = set()
    while pos < end:
        header = _parse_header(data, pos)
        if first is None:
            first = header
        elif (header.version, header.layer, header.sample_rate_hz, header.channels) != (
            first.version,
            first.layer,
            first.sample_rate_hz,
            first.channels,
        ):
            raise ValueError(f"stream format changes at frame {frames} (byte {pos})")
        if pos + header.length > end:
            raise ValueError(f"truncated frame {frames} at byte {pos}")
        frames += 1
        samples += header.samples
        bits += header.bitrate_kbps * header.samples
        bitrates.add(header.bitrate_kbps)
        pos += header.length
    if first is None:
        raise ValueError("no MP3 frames found")
    constant = len(bitrates) == 1
    return Mp3Info(
        bitrate_kbps=first.bitrate_kbps if constant else round(bits / samples),
        sample_rate_hz=first.sample_rate_hz,
        channels=first.channels,
        mpeg_version=_VERSION_NAMES[first.version],
        layer=first.layer,
        frames=frames,
        duration_s=samples / first.sample_rate_hz,
        constant_bitrate=constant,
    )


def describe(path: Path | str) -> Mp3Info:
    """Describe the MP3 file at `path` (see describe_bytes)."""
    return describe_bytes(Path(path).read_bytes())
