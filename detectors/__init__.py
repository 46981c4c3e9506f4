"""Detection plugins: checksum validators, Presidio recognizers, YAML detectors."""
