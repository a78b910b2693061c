"""Landmark cache: the pose model's output for each video, kept on disk.

The model is almost all of the time a screen takes, while the checks after it take
milliseconds. A researcher who changes a threshold and re-scores a folder should not wait
for the model again: with `--cache DIR` the landmarks of each video are stored once, as
one Parquet file, and later runs read them back and re-run only the checks.

What a cached entry depends on is exactly what changes the landmarks: the video's bytes
(its SHA-256, so a renamed or moved file still hits), the model's SHA-256, the [pose]
settings and the size of the patches. Thresholds and every other setting are left out
on purpose: the checks re-run. The file stores everything a PoseSequence holds (landmarks
as float64, NaN for "no pose", and the uint8 patches of the neck and the feet that the
shoulder and heel checks read) plus
the VideoInfo, so results from the cache are identical to results from the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from screening.core.errors import UsageError
from screening.core.landmarks import NUM_LANDMARKS
from screening.core.patches import PATCH
from screening.core.sequence import PATCHED_PARTS, PoseSequence
from screening.core.settings import PoseSettings, Settings
from screening.engine.pipeline import ProgressCallback, extract_pose
from screening.io.video import VideoInfo
from screening.pose.model_file import ModelInfo, sha256_of

FORMAT_VERSION = 3
"""Bump when the file layout or what extract_pose stores changes (including where the
patches are cut, screening/pose/shoulder_rise.py and screening/pose/heel_rise.py): old entries then
miss."""

_META_KEY = b"screening.core.landmarks"
_POINT_COLUMNS = {"image": 3, "world": 3, "visibility": 1, "presence": 1}
"""Per-frame landmark arrays and the number of values per landmark."""
_PATCH_VALUES = 2 * PATCH * PATCH
"""A part's two patches in a frame (uint8), one column per part."""


def cache_key(video_sha256: str, model: ModelInfo, pose: PoseSettings) -> str:
    """The SHA-256 naming a cache entry: video content, model and pose settings."""
    identity = {
        "format": FORMAT_VERSION,
        "video": video_sha256,
        "model": model.sha256,
        "pose": dataclasses.asdict(pose),
        "patch_px": PATCH,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _table(info: VideoInfo, seq: PoseSequence, key: str) -> pa.Table:
    columns = {
        "frame_index": pa.array(seq.frame_indices, pa.int64()),
        "timestamp_s": pa.array(seq.timestamps_s, pa.float64()),
    }
    for name, per_landmark in _POINT_COLUMNS.items():
        flat = np.ascontiguousarray(getattr(seq, name), dtype=np.float64).reshape(-1)
        columns[name] = pa.FixedSizeListArray.from_arrays(
            pa.array(flat, pa.float64(), from_pandas=False), NUM_LANDMARKS * per_landmark
        )
    for part in PATCHED_PARTS:
        columns[part] = pa.FixedSizeListArray.from_arrays(
            pa.array(
                np.ascontiguousarray(getattr(seq, part), dtype=np.uint8).reshape(-1), pa.uint8()
            ),
            _PATCH_VALUES,
        )
    meta = {
        "key": key,
        "info": dataclasses.asdict(info),
        "sequence": {
            "width": seq.width,
            "height": seq.height,
            "fps": seq.fps,
            "max_people": seq.max_people,
        },
    }
    return pa.table(columns).replace_schema_metadata({_META_KEY: json.dumps(meta)})


def _from_table(table: pa.Table, path: str | Path) -> tuple[VideoInfo, PoseSequence]:
    meta = json.loads(table.schema.metadata[_META_KEY])
    t = table.num_rows
    arrays = {}
    for name, per_landmark in _POINT_COLUMNS.items():
        values = table.column(name).combine_chunks().flatten().to_numpy(zero_copy_only=False)
        shape = (t, NUM_LANDMARKS, 3) if per_landmark == 3 else (t, NUM_LANDMARKS)
        arrays[name] = values.astype(np.float64, copy=True).reshape(shape)
    for part in PATCHED_PARTS:
        values = table.column(part).combine_chunks().flatten().to_numpy(zero_copy_only=False)
        arrays[part] = values.astype(np.uint8, copy=True).reshape(t, 2, PATCH, PATCH)
    seq = PoseSequence(
        timestamps_s=table.column("timestamp_s").to_numpy().astype(np.float64),
        frame_indices=table.column("frame_index").to_numpy().astype(np.int64),
        **arrays,
        **meta["sequence"],
    )
    # The same bytes may sit under another name now: report the file being scored.
    info = VideoInfo(**{**meta["info"], "path": str(path)})
    return info, seq


class LandmarkCache:
    """A folder of `<key>.parquet` files, one per (video content, model, pose settings)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"--cache {directory}: cannot create the folder ({exc.strerror})"
            ) from None
        if not os.access(self.directory, os.W_OK):
            raise UsageError(f"--cache {directory}: the folder is not writable")
        self.known_hashes: dict[str, str] = {}
        """Video path -> content SHA-256, when the caller has hashed it already."""

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.parquet"

    def load(self, key: str, video: str | Path) -> tuple[VideoInfo, PoseSequence] | None:
        """The cached landmarks, or None on a miss (a damaged entry counts as a miss)."""
        file = self.path_for(key)
        if not file.exists():
            return None
        try:
            table = pq.read_table(file)
            if json.loads(table.schema.metadata[_META_KEY])["key"] != key:
                return None
            return _from_table(table, video)
        except (OSError, pa.ArrowException, KeyError, TypeError, ValueError):
            return None  # written by something else or damaged: run the model again

    def save(self, key: str, info: VideoInfo, seq: PoseSequence) -> None:
        """Write an entry atomically, so a killed run never leaves half a file behind."""
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=self.directory)
        os.close(fd)
        try:
            pq.write_table(_table(info, seq, key), tmp, compression="zstd")
            os.replace(tmp, self.path_for(key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def extract(
        self,
        path: str | Path,
        model: ModelInfo,
        settings: Settings,
        progress: ProgressCallback | None = None,
    ) -> tuple[VideoInfo, PoseSequence]:
        """`extract_pose` with the cache in front of it (a `pipeline.Extractor`)."""
        video_sha256 = self.known_hashes.get(str(path))
        if video_sha256 is None:
            try:
                video_sha256 = sha256_of(Path(path))
            except OSError:  # missing or unreadable: extract_pose says so in plain words
                return extract_pose(path, model, settings, progress)
        key = cache_key(video_sha256, model, settings.pose)
        hit = self.load(key, path)
        if hit is not None:
            return hit
        info, seq = extract_pose(path, model, settings, progress)
        self.save(key, info, seq)
        return info, seq
