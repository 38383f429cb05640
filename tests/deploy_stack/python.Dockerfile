# Stand-in for python:3.11-slim-bookworm (Docker Hub cannot be reached from the test
# machines): Debian's own Python 3.11 with pip, on the debootstrap base (build-base.sh).
# pip installs system-wide as in the official image: PEP 668's guard is lifted here only.
ARG BASE
FROM ${BASE}
ENV PIP_BREAK_SYSTEM_PACKAGES=1 \
    PYTHONIOENCODING=utf-8
CMD ["python3"]
