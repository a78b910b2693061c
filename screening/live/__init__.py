"""The live camera screen: guidance, recording and analysis as frames arrive."""
