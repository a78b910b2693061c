"""The body and the signals: names, settings, landmarks, the clip's scene, reps."""
