"""The one build cache (badgepress/cache.py): round trips, HMAC, tampering, code version, clean-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badgepress.cache import BLOBS_DIR, INDEX_FILE, Store, code_version, fingerprint, package_digest
from badgepress.sign.keys import KeyPair

KEY = KeyPair.from_seed(bytes(range(32)))
OTHER = KeyPair.from_seed(bytes(range(1, 33)))


def saved(folder: Path, key: KeyPair = KEY, version: str = "v1") -> Store:
    store = Store(folder, key, version=version)
    store.put("proofs", "k1", "z3proof")
    store.put_bytes("pages", "p1", b"<html>one</html>")
    store.save()
    return store


def test_round_trip_on_disk(tmp_path: Path) -> None:
    saved(tmp_path)
    again = Store(tmp_path, KEY, version="v1")
    assert again.get("proofs", "k1") == "z3proof"
    assert again.get_bytes("pages", "p1") == b"<html>one</html>"
    assert again.get("proofs", "missing") is None
    assert again.hits == {"proofs": 1, "pages": 1} and again.misses == {"proofs": 1}


def test_files_are_json_and_content_addressed(tmp_path: Path) -> None:
    saved(tmp_path)
    index = json.loads((tmp_path / INDEX_FILE).read_text())
    assert index["code"] == "v1"
    blobs = [p for p in (tmp_path / BLOBS_DIR).rglob("*") if p.is_file()]
    assert len(blobs) == 1 and blobs[0].read_bytes() == b"<html>one</html>"
    assert not [p for p in tmp_path.rglob("*.pickle")]


def test_another_key_reads_nothing(tmp_path: Path) -> None:
    saved(tmp_path)
    foreign = Store(tmp_path, OTHER, version="v1")
    assert foreign.get("proofs", "k1") is None
    assert foreign.get_bytes("pages", "p1") is None
    assert foreign.rejected == 2


def test_other_code_reads_nothing(tmp_path: Path) -> None:
    saved(tmp_path)
    newer = Store(tmp_path, KEY, version="v2")
    assert newer.get("proofs", "k1") is None and newer.rejected == 0


@pytest.mark.parametrize("field", ["value", "key", "kind", "added", "mac"])
def test_edited_index_is_not_read(tmp_path: Path, field: str) -> None:
    saved(tmp_path)
    path = tmp_path / INDEX_FILE
    index = json.loads(path.read_text())
    entries = index["entries"]
    if field == "value":
        entries["proofs"]["k1"] = "z3forged"
    elif field == "key":
        entries["proofs"]["k2"] = entries["proofs"].pop("k1")
    elif field == "kind":
        entries["signatures"] = entries.pop("proofs")
    elif field == "added":
        entries["pages"]["p2"] = entries["pages"]["p1"]
    else:
        index["mac"] = "0" * 64
    path.write_text(json.dumps(index, separators=(",", ":")))
    store = Store(tmp_path, KEY, version="v1")
    for kind, key in [("proofs", "k1"), ("proofs", "k2"), ("signatures", "k1"), ("pages", "p2")]:
        assert store.get(kind, key) is None
    # one MAC covers the whole index: the entries left as they were are not read either
    assert store.get_bytes("pages", "p1") is None
    assert store.rejected == sum(len(items) for items in entries.values())
    assert "entries failed their check and were ignored" in store.summary({"pages": "pages"})


def test_the_index_as_written_is_read(tmp_path: Path) -> None:
    saved(tmp_path)
    path = tmp_path / INDEX_FILE
    index = json.loads(path.read_text())
    # the same data written again by another program: the MAC is over the bytes as saved
    path.write_text(json.dumps(index, indent=1))
    assert Store(tmp_path, KEY, version="v1").get("proofs", "k1") is None
    saved(tmp_path)
    assert Store(tmp_path, KEY, version="v1").get("proofs", "k1") == "z3proof"


def test_edited_content_file_is_ignored(tmp_path: Path) -> None:
    saved(tmp_path)
    (blob,) = [p for p in (tmp_path / BLOBS_DIR).rglob("*") if p.is_file()]
    blob.write_bytes(b"<script>alert(1)</script>")
    store = Store(tmp_path, KEY, version="v1")
    assert store.get_bytes("pages", "p1") is None and store.rejected == 1


def test_a_build_keeps_only_what_it_used(tmp_path: Path) -> None:
    saved(tmp_path)
    store = Store(tmp_path, KEY, version="v1")
    assert store.get("proofs", "k1") == "z3proof"
    store.put_bytes("pages", "p2", b"<html>two</html>")
    store.save()
    index = json.loads((tmp_path / INDEX_FILE).read_text())
    assert set(index["entries"]["proofs"]) == {"k1"} and set(index["entries"]["pages"]) == {"p2"}
    blobs = sorted(p.read_bytes() for p in (tmp_path / BLOBS_DIR).rglob("*") if p.is_file())
    assert blobs == [b"<html>two</html>"]


def test_keep_carries_unread_entries(tmp_path: Path) -> None:
    saved(tmp_path)
    store = Store(tmp_path, KEY, version="v1")
    store.keep("proofs", ["k1", "absent"])
    store.save()
    assert Store(tmp_path, KEY, version="v1").get("proofs", "k1") == "z3proof"


def test_in_memory_store_serves_the_next_build() -> None:
    store = Store(None, KEY, version="v1")
    store.put_bytes("pages", "p1", b"one")
    store.save()
    store.start()
    assert store.get_bytes("pages", "p1") == b"one"
    store.save()
    store.start()
    assert store.get_bytes("pages", "p1") == b"one"


def test_unwritable_folder_costs_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = Store(blocker / "cache", KEY, version="v1")
    store.put_bytes("pages", "p1", b"one")
    store.save()  # no exception
    assert Store(blocker / "cache", KEY, version="v1").get_bytes("pages", "p1") is None


def test_code_version_covers_every_file_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for name in ["mod.py", "templates/page.html", "contexts/ctx.jsonld"]:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(name)
    before = package_digest(package)
    for name in ["mod.py", "templates/page.html", "contexts/ctx.jsonld"]:
        original = (package / name).read_text()
        (package / name).write_text(original + " ")
        assert package_digest(package) != before, name
        (package / name).write_text(original)
    assert package_digest(package) == before
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    assert package_digest(package) == before
    assert len(code_version()) == 64


def test_fingerprint_parts_do_not_run_together() -> None:
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
