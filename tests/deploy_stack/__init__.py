"""The deployment test's images and compose project (stack.py), and the stand-ins for the official
images Docker Hub would give (build-base.sh, *.Dockerfile): tests/test_deploy_stack.py."""
