"""Hold audio: the committed MP3s, the PCM synthesis behind them, the segment plan, tokens and the S3 upload."""

from __future__ import annotations

import hashlib
import math
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from skill.audio import BED_FILE, CHIME_FILE, FILES_DIR, audio_manifest, audio_url, local_path
from skill.audio import build as audio_build
from skill.audio.mp3info import describe, describe_bytes
from skill.alexa.audioplayer import TokenParts, make_token, new_run_id, parse_token
from skill.audio import segment_file
from skill.core.holds import SEGMENT_SECONDS, hold_segments, position_at, remaining_seconds
from skill.audio.publish import CACHE_CONTROL, PublishError, publish
from skill.audio.publish import main as publish_main

MP3_FILES = [FILES_DIR / BED_FILE, FILES_DIR / CHIME_FILE]
FULL_SCALE = 32767


def dbfs(value: float) -> float:
    return 20 * math.log10(value / FULL_SCALE)


# --- the committed MP3s -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MP3_FILES, ids=lambda p: p.name)
def test_committed_mp3_is_what_alexa_accepts(path):
    info = describe(path)
    assert info.layer == 3
    assert info.mpeg_version in ("1", "2")
    assert info.bitrate_kbps == 48 and info.constant_bitrate
    assert info.sample_rate_hz == 24000
    assert info.channels == 1
    # 48 kbps at 24 kHz is 144 bytes a frame with no padding: the file is frames and nothing else (no tags).
    assert path.stat().st_size == info.frames * 144


def test_bed_lasts_a_minute_and_chime_a_few_seconds():
    assert describe(FILES_DIR / BED_FILE).duration_s == pytest.approx(SEGMENT_SECONDS, abs=0.1)
    assert 2.0 <= describe(FILES_DIR / CHIME_FILE).duration_s <= 6.0


def test_audio_folder_is_small():
    assert sum(p.stat().st_size for p in FILES_DIR.iterdir() if p.is_file()) < 2 * 1024 * 1024


# --- the frame parser ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chime_bytes() -> bytes:
    return (FILES_DIR / CHIME_FILE).read_bytes()


def test_parser_skips_id3_tags(chime_bytes):
    plain = describe_bytes(chime_bytes)
    id3v2 = b"ID3\x04\x00\x00" + bytes([0, 0, 1, 0]) + b"\x00" * 128  # syncsafe size 128
    id3v1 = b"TAG" + b"\x00" * 125
    assert describe_bytes(id3v2 + chime_bytes + id3v1) == plain


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b"",
        lambda b: b"not an mp3 at all, just text" * 10,
        lambda b: b[:-50],  # last frame cut short
        lambda b: b + b"\x00" * 7,  # trailing junk
        lambda b: b[:144] + b"\x00" + b[145:],  # second frame loses its sync word
        lambda b: b[:146] + bytes([b[146] ^ 0b0000_0100]) + b[147:],  # second frame at another sample rate
        lambda b: b[:145] + bytes([b[145] & 0b1110_0111]) + b[146:],  # second frame claims MPEG 2.5
        lambda b: b[:2] + bytes([b[2] & 0x0F]) + b[3:],  # free-format bitrate
    ],
    ids=["empty", "text", "truncated", "trailing-junk", "lost-sync", "rate-change", "version-change", "free-format"],
)
def test_parser_refuses_inconsistent_streams(chime_bytes, mangle):
    with pytest.raises(ValueError):
        describe_bytes(mangle(chime_bytes))


# --- the PCM behind them ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bed():
    return audio_build.bed_samples()


def test_bed_is_exactly_a_minute_quiet_and_seeded(bed):
    assert len(bed) == SEGMENT_SECONDS * audio_build.SAMPLE_RATE
    rms = math.sqrt(sum(x * x for x in bed) / len(bed))
    assert -38 <= dbfs(rms) <= -34
    assert dbfs(max(abs(x) for x in bed)) < -15
    assert audio_build.bed_samples(seconds=2) == audio_build.bed_samples(seconds=2)
    assert audio_build.bed_samples(seconds=2) != audio_build.bed_samples(seconds=2, seed=1)


def test_bed_joins_without_a_click(bed):
    seam = list(bed[-480:]) + list(bed[:480])  # the end of one segment, then the start of the next
    assert abs(bed[0]) <= 1 and abs(bed[-1]) <= 1
    biggest_step_at_seam = max(abs(b - a) for a, b in zip(seam, seam[1:]))
    typical_step = sum(abs(b - a) for a, b in zip(bed, bed[1:])) / (len(bed) - 1)
    assert biggest_step_at_seam <= typical_step


def test_bed_swells_slowly(bed):
    sr = audio_build.SAMPLE_RATE
    second_rms = [math.sqrt(sum(x * x for x in bed[s * sr : (s + 1) * sr]) / sr) for s in range(SEGMENT_SECONDS)]
    assert max(second_rms) / min(second_rms[1:-1]) > 1.5  # it breathes...
    steps = [abs(dbfs(b) - dbfs(a)) for a, b in zip(second_rms[1:-1], second_rms[2:-1])]
    assert max(steps) < 3  # ...but gently, never a jump


def test_chime_is_a_soft_decaying_strike():
    chime = audio_build.chime_samples()
    sr = audio_build.SAMPLE_RATE
    assert len(chime) == 4 * sr
    assert chime[0] == 0 and abs(chime[-1]) <= 1
    assert dbfs(max(abs(x) for x in chime)) == pytest.approx(-14, abs=0.2)

    def rms(part):
        return math.sqrt(sum(x * x for x in part) / len(part))

    assert rms(chime[: sr // 2]) > 10 * rms(chime[-sr // 2 :])


def test_rebuild_gives_the_committed_files(tmp_path):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (apt-get install ffmpeg); cannot check the build is reproducible")
    built = audio_build.build(tmp_path)
    assert sorted(p.name for p in built) == sorted([BED_FILE, CHIME_FILE])
    for path in built:
        assert path.read_bytes() == (FILES_DIR / path.name).read_bytes(), f"{path.name} differs from the committed one"


def test_build_without_ffmpeg_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert audio_build.main(["--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "install ffmpeg: apt-get install ffmpeg" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


# --- the hold plan ------------------------------------------------------------------------------------------------


def played_ms(segments):
    return [SEGMENT_SECONDS * 1000 - s.start_offset_ms for s in segments if s.kind == "bed"]


def test_beds_add_up_to_every_hold_length():
    for total in range(1, 3601):
        segments = hold_segments(total)
        beds, chime = segments[:-1], segments[-1]
        assert [s.index for s in segments] == list(range(len(segments))), total
        assert len(beds) == math.ceil(total / 60), total
        assert all(s.kind == "bed" and segment_file(s.kind) == BED_FILE for s in beds), total
        assert (chime.kind, segment_file(chime.kind), chime.start_offset_ms) == ("chime", CHIME_FILE, 0), total
        assert sum(played_ms(segments)) == total * 1000, total
        assert 0 <= beds[0].start_offset_ms < 60_000, total
        assert all(s.start_offset_ms == 0 for s in beds[1:]), total


def test_hold_examples():
    ninety = hold_segments(90)
    assert [(s.kind, s.start_offset_ms) for s in ninety] == [("bed", 30_000), ("bed", 0), ("chime", 0)]
    assert [(s.kind, s.start_offset_ms) for s in hold_segments(20)] == [("bed", 40_000), ("chime", 0)]
    assert [(s.kind, s.start_offset_ms) for s in hold_segments(60)] == [("bed", 0), ("chime", 0)]
    fifteen = hold_segments(15 * 60)
    assert [s.kind for s in fifteen] == ["bed"] * 15 + ["chime"]
    assert fifteen[0].start_offset_ms == 0
    hour = hold_segments(3600)
    assert len(hour) == 61 and hour[-1].kind == "chime"


@pytest.mark.parametrize("bad", [0, -60, 3601, 10**9])
def test_hold_out_of_range(bad):
    with pytest.raises(ValueError):
        hold_segments(bad)


@pytest.mark.parametrize("bad", [1.5, "60", None, True])
def test_hold_needs_whole_seconds(bad):
    with pytest.raises(TypeError):
        hold_segments(bad)


def test_remaining_seconds_counts_down():
    assert remaining_seconds(90, 0, 30_000) == 90
    assert remaining_seconds(90, 0, 0) == 90  # a position before the planned start counts as the start
    assert remaining_seconds(90, 0, 45_000) == 75
    assert remaining_seconds(90, 1, 0) == 60
    assert remaining_seconds(90, 1, 59_001) == 1  # rounded up: never "0 left" while quiet time remains
    assert remaining_seconds(90, 1, 60_000) == 0
    assert remaining_seconds(90, 2, 0) == 0  # the chime
    with pytest.raises(ValueError):
        remaining_seconds(90, 3, 0)


@pytest.mark.parametrize("total", [20, 60, 61, 90, 900, 1234, 3600])
def test_position_and_remaining_agree(total):
    last = None
    for elapsed in range(0, total * 1000 + 1, 997):
        index, offset = position_at(total, elapsed)
        segment = hold_segments(total)[index]
        assert offset >= segment.start_offset_ms and offset < 60_000
        left = remaining_seconds(total, index, offset)
        assert left == math.ceil((total * 1000 - elapsed) / 1000)
        assert last is None or left <= last
        last = left
    assert position_at(total, total * 1000) == (len(hold_segments(total)) - 1, 0)


# --- tokens -------------------------------------------------------------------------------------------------------


def test_token_round_trip():
    token = make_token("grounding", "breathe", "r7f3a", 3, 900)
    assert token == "sh1|grounding|breathe|r7f3a|3|900"
    assert parse_token(token) == TokenParts("grounding", "breathe", "r7f3a", 3, 900)
    long = make_token("e" * 64, "s" * 64, "r" * 16, 60, 3600)
    assert len(long) <= 1024 and parse_token(long) == TokenParts("e" * 64, "s" * 64, "r" * 16, 60, 3600)


def test_run_ids_are_short_fresh_and_usable():
    runs = {new_run_id() for _ in range(50)}
    assert len(runs) == 50
    for run in runs:
        assert parse_token(make_token("co_regulation", "lie-close", run, 0, 60)).run == run


@pytest.mark.parametrize(
    "parts",
    [
        ("a|b", "step", "r1", 0, 60),  # would smuggle a separator
        ("", "step", "r1", 0, 60),
        ("ex", "step", "R-1", 0, 60),
        ("ex", "step", "r1", -1, 60),
        ("ex", "step", "r1", True, 60),
        ("ex", "x" * 65, "r1", 0, 60),
        ("ex", "step", "r1", 3, 60),  # a 60 s hold has segments 0 (bed) and 1 (chime) only
        ("ex", "step", "r1", 0, 0),
        ("ex", "step", "r1", 0, 3601),
    ],
)
def test_make_token_refuses_parts_it_could_not_parse_back(parts):
    with pytest.raises(ValueError):
        make_token(*parts)


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        42,
        b"sh1|a|b|r1|0|60",
        "",
        "hello",
        "sh1|a|b|r1|0",
        "sh1|a|b|r1|0|60|extra",
        "sh2|a|b|r1|0|60",
        "sh1|a|b|r1|-1|60",
        "sh1|a|b|r1|01|60",
        "sh1|a|b|r1|x|60",
        "sh1|a|b|r1|0|60\n",
        "sh1||b|r1|0|60",
        "sh1|a|b|r1|5|60",
        "sh1|a|b|r1|0|0",
        "sh1|a|b|r1|0|9999",
        "sh1|" + "a" * 1100 + "|b|r1|0|60",
        "amzn1.ask.account.AFAKEUSERID",
    ],
)
def test_parse_token_of_garbage_is_none(garbage):
    assert parse_token(garbage) is None


# --- published names ----------------------------------------------------------------------------------------------


def test_manifest_names_carry_a_content_hash():
    manifest = audio_manifest()
    assert set(manifest) == {BED_FILE, CHIME_FILE}
    for logical, published in manifest.items():
        digest = hashlib.sha256((FILES_DIR / logical).read_bytes()).hexdigest()
        stem, hash_part, ext = published.split(".")
        assert stem == Path(logical).stem and ext == "mp3" and digest.startswith(hash_part) and len(hash_part) >= 8
        assert local_path(published) == FILES_DIR / logical
    assert local_path(BED_FILE) is None and local_path("../../etc/passwd") is None
    assert audio_url("https://cdn.example/audio/", CHIME_FILE) == f"https://cdn.example/audio/{manifest[CHIME_FILE]}"


def test_manifest_follows_a_changed_file(tmp_path):
    for name in (BED_FILE, CHIME_FILE):
        shutil.copy(FILES_DIR / name, tmp_path / name)
    before = audio_manifest(tmp_path)
    (tmp_path / CHIME_FILE).write_bytes(b"different bytes")
    after = audio_manifest(tmp_path)
    assert after[BED_FILE] == before[BED_FILE] and after[CHIME_FILE] != before[CHIME_FILE]


# --- publishing to a real S3-API server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    exe = Path(sys.executable).parent / "moto_server"
    if not exe.exists():
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto_server did not start")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def aws_env(monkeypatch, tmp_path, s3_endpoint):
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it caches credentials across tests
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "SKILL_AUDIO_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return s3_endpoint


def test_publish_uploads_hashed_immutable_mp3s(aws_env):
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="harbor-audio")
    keys = publish("harbor-audio", FILES_DIR)  # no client given: boto3 finds the endpoint from the environment
    manifest = audio_manifest()
    assert sorted(keys) == sorted(f"audio/{name}" for name in manifest.values())
    listed = s3.list_objects_v2(Bucket="harbor-audio")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(keys)
    for logical, published in manifest.items():
        obj = s3.get_object(Bucket="harbor-audio", Key=f"audio/{published}")
        assert obj["ContentType"] == "audio/mpeg"
        assert obj["CacheControl"] == CACHE_CONTROL and "max-age=31536000" in CACHE_CONTROL
        assert obj["Body"].read() == (FILES_DIR / logical).read_bytes()
    assert publish("harbor-audio", FILES_DIR, prefix="v2/") == [f"v2/{n}" for n in manifest.values()]


def test_publish_cli_reports_a_missing_bucket_plainly(aws_env, capsys):
    assert publish_main(["--bucket", "no-such-bucket"]) == 1
    err = capsys.readouterr().err
    assert "bucket 'no-such-bucket' does not exist" in err and "Traceback" not in err


def test_publish_cli_reports_missing_credentials_plainly(aws_env, monkeypatch, capsys):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert publish_main(["--bucket", "harbor-audio"]) == 1
    err = capsys.readouterr().err
    assert "no AWS credentials" in err and "Traceback" not in err


def test_publish_cli_needs_a_bucket(aws_env, capsys):
    assert publish_main([]) == 1
    assert "no bucket given" in capsys.readouterr().err
    with pytest.raises(PublishError, match="audio file missing"):
        publish("harbor-audio", Path("/nonexistent-audio-dir"))
