"""Finding the pose: the only code that runs MediaPipe or a network."""
