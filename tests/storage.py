"""Files on S3 in the tests: moto's S3 server on a free loopback port, started once per
test session, and the storages pointed at a bucket on it.

- ``INTEGRA_TEST_STORAGE=s3`` runs whole test files with every named storage on S3
  (``INTEGRA_TEST_S3_FILES``, a space-separated list of test files, only those files, the
  others on disk: make test's PostgreSQL run serves the storage tests' files from S3, as
  in production, while its SQLite run serves them from the disk). Each
  test gets a fresh bucket of its own, as on disk each test gets its own ``MEDIA_ROOT``, so
  no file carries over from one test to the next (content-addressed names, listings).
  A test class has a bucket too: files a class writes in ``setUpTestData`` go there and
  are copied into each of its tests' buckets (as its disk tests copy a class folder into
  their ``MEDIA_ROOT``).
- :func:`use_storage` points one test's storages at the disk or at a fresh bucket, for
  tests parametrised over both (tests/test_storage.py).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from config.storage import FOLDERS, s3_options, s3_storage

S3_MODE = os.environ.get("INTEGRA_TEST_STORAGE", "disk") == "s3"
S3_FILES = frozenset(
    Path(name).name for name in os.environ.get("INTEGRA_TEST_S3_FILES", "").split()
)
REGION = "us-east-1"
# moto takes any credentials; real ones never reach a test.
ACCESS_KEY = "integra-test"
SECRET_KEY = "integra-test-secret"  # noqa: S105


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of an S3-compatible server on loopback, for the whole session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def new_bucket(endpoint: str) -> str:
    name = f"integra-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_storages(endpoint: str, bucket: str) -> dict[str, dict[str, Any]]:
    """The STORAGES entries of config.storage.file_storages with S3_BUCKET set."""
    options = s3_options(
        bucket=bucket,
        endpoint_url=endpoint,
        region=REGION,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
    )
    return {name: s3_storage(options, name) for name in ("default", *FOLDERS)}


def bucket_keys(endpoint: str, bucket: str, prefix: str = "") -> list[str]:
    """Every object key in the bucket under ``prefix``."""
    pages = (
        s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    )
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


@contextmanager
def storages_in_new_bucket(endpoint: str) -> Iterator[str]:
    """Every named storage on a fresh bucket while the block runs; its name."""
    from django.conf import settings
    from django.test import override_settings

    bucket = new_bucket(endpoint)
    with override_settings(STORAGES={**settings.STORAGES, **s3_storages(endpoint, bucket)}):
        yield bucket


def files_on_s3(request: pytest.FixtureRequest) -> bool:
    """Whether the requesting test (or class) keeps its files on S3 in this run."""
    return S3_MODE or request.path.name in S3_FILES


@pytest.fixture(scope="session", autouse=True)
def _files_on_s3_when_asked(request: pytest.FixtureRequest) -> Iterator[None]:
    if not S3_MODE:
        yield
        return
    with storages_in_new_bucket(request.getfixturevalue("s3_endpoint")):
        yield


# The bucket of the test class (or module) running now, on S3.
_class_buckets: list[str] = []


@pytest.fixture(scope="class", autouse=True)
def _own_bucket_per_class_on_s3(request: pytest.FixtureRequest) -> Iterator[None]:
    """On S3, what a test class writes before its tests (``setUpTestData``) goes to a
    bucket of the class."""
    if not files_on_s3(request):
        yield
        return
    with storages_in_new_bucket(request.getfixturevalue("s3_endpoint")) as bucket:
        _class_buckets.append(bucket)
        try:
            yield
        finally:
            _class_buckets.pop()


@pytest.fixture(autouse=True)
def _own_bucket_per_test_on_s3(request: pytest.FixtureRequest) -> None:
    """On S3, this test's storages point at a fresh bucket holding a copy of its class's
    files (the S3 side of conftest's per-test ``MEDIA_ROOT``)."""
    if not files_on_s3(request):
        return
    settings = request.getfixturevalue("settings")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = new_bucket(endpoint)
    if _class_buckets:
        client = s3_client(endpoint)
        source = _class_buckets[-1]
        for key in bucket_keys(endpoint, source):
            client.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": source, "Key": key})
    settings.STORAGES = {**settings.STORAGES, **s3_storages(endpoint, bucket)}


def use_storage(kind: str, settings: Any, request: pytest.FixtureRequest) -> str | None:
    """Point this test's storages at the disk (the per-test MEDIA_ROOT) or at a fresh S3
    bucket; the bucket's name for S3."""
    from config.storage import file_storages

    if kind == "disk":
        settings.STORAGES = {**settings.STORAGES, **file_storages({})}
        return None
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = new_bucket(endpoint)
    settings.STORAGES = {**settings.STORAGES, **s3_storages(endpoint, bucket)}
    return bucket


def remove_photo(sha256: str, case: Any = None) -> None:
    """Take a stored photo away, wherever the evidence storage is; given a test case,
    put it back when the test ends (on S3 one bucket serves the test class, on disk each
    test has its own copy)."""
    from config.storage import read_file, write_file
    from inspections.evidence import evidence_name, evidence_storage

    storage = evidence_storage()
    name = evidence_name(sha256)
    if case is not None:
        content = read_file(storage, name)
        case.addCleanup(write_file, storage, name, content)
    storage.delete(name)


def stored_names(storage: Any, folder: str = "") -> list[str]:
    """Every file name in ``storage`` under ``folder`` (none when the folder is absent)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return names
