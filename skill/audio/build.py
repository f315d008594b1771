"""Build the hold audio: a quiet 60 s ambient bed and a soft closing chime, as Alexa-ready MP3.

The PCM is synthesised in pure Python from a fixed seed, so the same code always gives the same samples; ffmpeg
(needed only here, never at run time) then encodes with bit-exact flags so the committed MP3s can be rebuilt
byte for byte. Neither sound carries speech.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from pathlib import Path

from . import BED_FILE, CHIME_FILE, FILES_DIR

__all__ = ["SAMPLE_RATE", "bed_samples", "chime_samples", "encode_mp3", "build", "main"]

SAMPLE_RATE = 24000  # synthesise at Alexa's rate so ffmpeg never resamples
BED_SECONDS = 60
CHIME_SECONDS = 4.0
SEED = 20240611
FULL_SCALE = 32767

# One period of every component divides 60 s, so the bed is periodic: a segment ending flows into the next.
_DRONE = ((98.0, 1.0), (98.1, 0.8), (147.0, 0.45), (196.05, 0.25))  # Hz, relative level; 0.1 Hz beat = slow shimmer
_DRONE_SWELL_S = 30.0
_NOISE_SWELL_S = 20.0
_BED_RMS_DBFS = -36.0  # quiet: present under a room's own sound, never in the way
_EDGE_FADE_S = 0.04  # raised-cosine fade at each end: no click where one segment meets the next

# A struck-bell spectrum: inharmonic partials, higher ones dying faster.
_CHIME_F0 = 523.25  # C5: clear on a small speaker, not shrill
_CHIME_PARTIALS = ((1.0, 1.0, 1.6), (2.0, 0.35, 1.0), (2.76, 0.22, 0.7), (5.4, 0.06, 0.35))  # ratio, level, decay s
_CHIME_PEAK_DBFS = -14.0
_CHIME_ATTACK_S = 0.008
_CHIME_TAIL_FADE_S = 0.3

FFMPEG_INSTALL_HINT = "install ffmpeg: apt-get install ffmpeg"


def _db(dbfs: float) -> float:
    return 10 ** (dbfs / 20)


def _edge_gain(i: int, n: int, fade: int) -> float:
    edge = min(i, n - 1 - i)
    if edge >= fade:
        return 1.0
    return 0.5 - 0.5 * math.cos(math.pi * edge / fade)


def _to_pcm(signal: list[float], scale: float) -> array:
    out = array("h")
    out.extend(max(-FULL_SCALE, min(FULL_SCALE, round(x * scale * FULL_SCALE))) for x in signal)
    return out


def bed_samples(seconds: int = BED_SECONDS, seed: int = SEED, sample_rate: int = SAMPLE_RATE) -> array:
    """Mono 16-bit PCM of the ambient bed: a low, slowly swelling drone over soft low-passed noise."""
    n = seconds * sample_rate
    rng = random.Random(seed)
    two_pi = 2 * math.pi
    steps = [(two_pi * f / sample_rate, level) for f, level in _DRONE]
    drone_swell = two_pi / (_DRONE_SWELL_S * sample_rate)
    noise_swell = two_pi / (_NOISE_SWELL_S * sample_rate)
    # Two one-pole low-passes (~300 Hz) turn white noise into a soft, airy rush.
    alpha = 1 - math.exp(-two_pi * 300 / sample_rate)
    lp1 = lp2 = 0.0
    sin, gauss = math.sin, rng.gauss
    signal = [0.0] * n
    for i in range(n):
        drone = sum(level * sin(step * i) for step, level in steps)
        lp1 += alpha * (gauss(0.0, 1.0) - lp1)
        lp2 += alpha * (lp1 - lp2)
        # Swells start at their low point, so the quietest moment is where segments join.
        drone_env = 0.7 - 0.3 * math.cos(drone_swell * i)
        noise_env = 0.6 - 0.4 * math.cos(noise_swell * i)
        signal[i] = drone * drone_env * 0.5 + lp2 * noise_env * 6.0
    fade = int(_EDGE_FADE_S * sample_rate)
    for i in list(range(fade)) + list(range(n - fade, n)):
        signal[i] *= _edge_gain(i, n, fade)
    rms = math.sqrt(sum(x * x for x in signal) / n)
    return _to_pcm(signal, _db(_BED_RMS_DBFS) / rms)


def chime_samples(seconds: float = CHIME_SECONDS, sample_rate: int = SAMPLE_RATE) -> array:
    """Mono 16-bit PCM of one soft bell strike with a natural decay, silent at both ends."""
    n = round(seconds * sample_rate)
    two_pi = 2 * math.pi
    attack = int(_CHIME_ATTACK_S * sample_rate)
    tail = int(_CHIME_TAIL_FADE_S * sample_rate)
    signal = [0.0] * n
    for i in range(n):
        t = i / sample_rate
        x = sum(
            level * math.exp(-t / decay) * math.sin(two_pi * _CHIME_F0 * ratio * t)
            for ratio, level, decay in _CHIME_PARTIALS
        )
        if i < attack:
            x *= 0.5 - 0.5 * math.cos(math.pi * i / attack)
        if i >= n - tail:
            x *= 0.5 - 0.5 * math.cos(math.pi * (n - 1 - i) / tail)
        signal[i] = x
    peak = max(abs(x) for x in signal)
    return _to_pcm(signal, _db(_CHIME_PEAK_DBFS) / peak)


def _write_wav(path: Path, samples: array, sample_rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        data = samples if sys.byteorder == "little" else _byteswapped(samples)
        w.writeframes(data.tobytes())


def _byteswapped(samples: array) -> array:
    copy = array("h", samples)
    copy.byteswap()
    return copy


def ffmpeg_path() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise RuntimeError(f"ffmpeg not found; {FFMPEG_INSTALL_HINT}")
    return path


def encode_mp3(wav: Path, mp3: Path) -> None:
    """Encode as Alexa wants (mono, 24 kHz, 48 kbps CBR, no Xing frame), without tags or build stamps."""
    cmd = [
        ffmpeg_path(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-i", str(wav),
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-ac", "1", "-ar", str(SAMPLE_RATE),
        "-codec:a", "libmp3lame", "-b:a", "48k",
        "-write_xing", "0", "-id3v2_version", "0", "-write_id3v1", "0",
        str(mp3),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed on {wav.name}: {result.stderr.strip()}")


def build(out_dir: Path = FILES_DIR) -> list[Path]:
    """Synthesise and encode bed-60s.mp3 and chime.mp3 into out_dir; returns their paths."""
    ffmpeg_path()  # fail before the slow synthesis if ffmpeg is missing
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, samples in ((BED_FILE, bed_samples()), (CHIME_FILE, chime_samples())):
            wav = Path(tmp) / (Path(name).stem + ".wav")
            _write_wav(wav, samples)
            target = out_dir / name
            encode_mp3(wav, target)
            outputs.append(target)
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skill audio build", description="Build the hold audio MP3s.")
    parser.add_argument("--out", type=Path, default=FILES_DIR, help=f"output folder (default: {FILES_DIR})")
    args = parser.parse_args(argv)
    try:
        paths = build(args.out)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
