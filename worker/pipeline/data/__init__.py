"""Data files of the pipeline, and the builder of the skills vocabulary."""
