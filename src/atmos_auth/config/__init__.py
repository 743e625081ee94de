"""The typed `auth:` configuration: discovery, YAML with line numbers, per-kind models, cross-checks
(load.py), and snapshots of configurations validated before (snapshot.py). Import the modules
themselves: this package imports nothing, so a snapshot can be read without pydantic or YAML."""
