"""Tests of the gallery's implementations (implementations/): their manifests, builds and adapters."""
