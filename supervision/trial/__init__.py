"""The 2023 national trial of network-shared certificates: duties, statistics, feedback (see models/trial*.py)."""
