"""Synthetic, labelled movement-screen videos rendered from the `anny` parametric body.

Why this exists: the screen needs clips whose truth is known exactly (which fault, how
strong, seen from where, where every landmark is) to test and evaluate the checks. Real
recordings cannot give that. This subpackage poses the Apache-2.0 `anny` body (MakeHuman
based) through a deep squat, overhead squat or lunge with chosen faults, renders it on the
CPU from a chosen camera, and writes an H.264 MP4 plus its truth.

Modules, each small and named for what it holds:

- `geometry`   rotation and two-bone inverse-kinematics helpers (numpy only).
- `body`       builds/caches the anny model, phenotypes, applies world-frame poses.
- `faults`     the fault specification (check code, side, magnitude, units) and defaults.
- `motion`     movement timelines (stand, reps, stand) and per-frame pose targets.
- `posing`     turns pose targets into bone rotations (feet planted, legs/arms by IK).
- `camera`     pinhole camera from yaw, height, distance, pitch; projection.
- `appearance` clothing, skin, background, floor and light colours for one clip.
- `raster`     CPU painter's-algorithm rasteriser with flat shading.
- `truth`      the 33 MediaPipe landmarks derived from the posed mesh and skeleton.
- `clip`       renders one clip: MP4 (PyAV, libx264) + `.truth.npz` + its label record.
- `sample_set` the committed sample set (fixed seed) and its parallel regeneration.
- `cli`        `python -m screening_synth ...`.

Heavy dependencies (torch, anny, av) are imported lazily, so importing this package
costs nothing for the rest of the project.
"""
