"""Untrusted input cannot make beredskab write a file, hang, read what it should not, or repeat a secret.

Each test holds one finding of the security review of issue 16 (the number in its name's
comment): git option injection (1), unbounded reads (2), ``document.text`` outside the plan's
folder (3), unknown keys repeated (8), a report swapped in whole (9), ``init`` injection (12),
a full disk (13) and duplicate JSON keys (14).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import beredskab
from beredskab import ConcernError, PlanError, _files
from beredskab.cli import main
from beredskab.loader import read_revision
from conftest import PLANS, REPO, git

AT = "2026-11-23T10:00:00+01:00"
BEREDSKAB = [sys.executable, "-m", "beredskab"]


def run(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*BEREDSKAB, *args], cwd=cwd or REPO, input=stdin, capture_output=True, timeout=timeout, check=False
    )


# --- 1: a revision is never a git option ---------------------------------------------------


def test_diff_side_starting_with_dash_writes_no_file(tmp_path: Path) -> None:
    target = tmp_path / "x"
    side = f"--output={target}:plans/koege.yaml"
    done = run("diff", "--", side, "plans/koege.yaml")
    assert done.returncode == 2
    assert not any(tmp_path.iterdir()), "git wrote a file named by the caller"
    assert b"kan ikke begynde med '-'" in done.stderr
    with pytest.raises(PlanError):
        beredskab.diff(side, "plans/koege.yaml")
    assert not any(tmp_path.iterdir())


def test_report_previous_starting_with_dash_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    target = tmp_path / "y"
    site = tmp_path / "site"
    assert main(["report", "plans/koege.yaml", "-o", str(site), f"--previous=--output={target}"]) == 0
    assert not target.exists() and not list(tmp_path.glob("y*")), "git wrote a file named by the caller"
    assert "kan ikke begynde med" in (site / "diff.html").read_text(encoding="utf-8")


def test_a_huge_blob_in_git_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    git(tmp_path, "add", "big.yaml")
    git(tmp_path, "commit", "-q", "-m", "big")
    with contextlib.chdir(tmp_path), pytest.raises(PlanError) as info:
        read_revision("HEAD:big.yaml")
    assert [p.code for p in info.value.problems] == ["BK005"]


# --- 2: only regular files are read, and never past the limit ---------------------------------


def test_a_plan_that_is_a_device_is_refused_at_once() -> None:
    done = run("validate", "--lang", "en", "/dev/zero", timeout=30)
    assert done.returncode == 1
    assert b"is a device, not a regular file" in done.stderr + done.stdout
    with pytest.raises(PlanError, match="device"):
        beredskab.load_plan("/dev/zero")


def test_a_plan_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    done = run("validate", "--lang", "en", str(fifo), timeout=20)  # a hang fails by TimeoutExpired
    assert done.returncode == 1
    assert b"FIFO" in done.stdout + done.stderr


def _max_rss_kib_of(*args: str) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """Run beredskab in a child and measure the child's peak memory (KiB) in a grandchild-free way."""
    probe = (
        "import resource, subprocess, sys;"
        "d = subprocess.run(sys.argv[1:], capture_output=True, timeout=60);"
        "sys.stdout.buffer.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss).encode() + b'\\n');"
        "sys.stdout.buffer.write(d.stderr); sys.exit(d.returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *BEREDSKAB, *args], capture_output=True, timeout=90, check=False, cwd=REPO
    )
    first, _, rest = done.stdout.partition(b"\n")
    return subprocess.CompletedProcess(done.args, done.returncode, b"", rest), int(first)


def test_an_event_file_that_is_huge_and_sparse_costs_no_memory(tmp_path: Path) -> None:
    sparse = tmp_path / "event.json"
    with sparse.open("wb") as f:
        f.truncate(2 * 1024**3)  # 2 GiB of nothing: stat says 2 GiB, the disk holds none of it
    done, peak_kib = _max_rss_kib_of("route", "koege", "--event", str(sparse))
    assert done.returncode == 2
    assert "højst 65536 byte".encode() in done.stderr
    assert peak_kib < 400 * 1024, f"peak memory {peak_kib} KiB for a refused event"


def test_an_event_that_is_a_device_or_a_stream_of_zeros_is_refused() -> None:
    done = run("route", "koege", "--event", "/dev/zero", timeout=30)
    assert done.returncode == 2 and b"enhed" in done.stderr
    done = run("route", "koege", "--events", "/dev/zero", "--lang", "en", timeout=30)
    assert done.returncode == 2 and b"device" in done.stderr


def test_stdin_events_are_bounded_too() -> None:
    done = run("route", "koege", "--event", "-", stdin=b" " * (200 * 1024))
    assert done.returncode == 2 and "højst 65536 byte".encode() in done.stderr


def test_read_bounded_reads_at_most_the_limit_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * 10)
    assert _files.read_bounded(path, 10) == b"a" * 10
    with pytest.raises(_files.FileProblem) as info:
        _files.read_bounded(path, 9)
    assert info.value.too_large
    with pytest.raises(_files.FileProblem, match="folder"):
        _files.read_bounded(tmp_path, 9)


# --- 3: document.text stays inside the plan's folder ----------------------------------------------


SECRET = "Adgangskoden til serveren er hemmelig-42."


def _plan_citing(folder: Path, text: str, quote: str) -> Path:
    """Køge's plan in ``folder`` with ``document.text`` set to ``text`` and one quote replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    source = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("text: sources/"):
            lines[i] = line.split("text:")[0] + f"text: {json.dumps(text)}"
            break
    else:  # pragma: no cover - the shipped plan cites its text
        raise AssertionError("koege.yaml names no document.text")
    out = "\n".join(lines) + "\n"
    first = out.index('quote: "') + len('quote: "')
    end = out.index('"', first)
    out = out[:first] + quote + out[end:]
    path = folder / "koege.yaml"
    path.write_text(out, encoding="utf-8")
    return path


def _bk903(path: Path) -> list[str]:
    report = beredskab.validate([path], checks=["BK903"], lang="en")
    return [p.message for p in report.problems]


@pytest.mark.parametrize("how", ["dotdot", "absolute", "link"])
def test_a_text_outside_the_plans_folder_is_never_read(tmp_path: Path, how: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    plans = tmp_path / "repo" / "plans"
    plans.mkdir(parents=True)
    name = {"dotdot": "../../secret.txt", "absolute": str(secret), "link": "linked.txt"}[how]
    if how == "link":
        (plans / "linked.txt").symlink_to(secret)
    told = _bk903(_plan_citing(plans, name, SECRET))
    untold = _bk903(_plan_citing(plans, name, "Noget helt andet."))
    # no oracle: a quote that is in the file and one that is not get the same answer
    assert told == untold
    assert any("outside the plan's folder" in m for m in told), told


def test_a_text_that_is_a_fifo_or_device_inside_the_folder_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "text.txt")
    messages = _bk903(_plan_citing(tmp_path, "text.txt", "x"))
    assert any("is not a UTF-8 text file" in m for m in messages), messages


def test_the_shipped_plans_still_read_their_texts() -> None:
    assert beredskab.validate([PLANS], checks=["BK903"], lang="en").problems == ()


# --- 8: a key the caller sent is never repeated -------------------------------------------------


PRIVATE_KEYS = ("Mohammed_Hansen", "cpr_0102031234", "Karen_Karlsen")


def _private_event() -> dict[str, object]:
    return {
        "acute": False,
        "received_at": AT,
        "Mohammed_Hansen": 1,
        "cpr_0102031234": True,
        "findings": {"Karen_Karlsen": True},
        "agee": 3,
    }


def test_unknown_keys_are_never_repeated_by_the_api(plans: dict[str, beredskab.Plan]) -> None:
    with pytest.raises(ConcernError) as info:
        plans["koege"].route(_private_event())
    text = str(info.value) + repr(info.value.problems)
    for key in PRIVATE_KEYS:
        assert key not in text
    assert "agee" not in text
    fields = {p.field: p for p in info.value.problems}
    assert set(fields) == {"concern", "findings"}
    assert fields["concern"].suggestion == "age"  # did-you-mean names only a real field
    assert "not shown" in fields["concern"].message


def test_unknown_keys_are_never_repeated_by_the_command_line() -> None:
    event = json.dumps(_private_event()).encode()
    single = run("route", "koege", "--event", "-", stdin=event)
    stream = run("route", "koege", "--events", "-", stdin=event + b"\n")
    assert single.returncode == 2 and stream.returncode == 1
    for key in PRIVATE_KEYS:
        assert key.encode() not in single.stderr + single.stdout + stream.stdout + stream.stderr


# --- 14: a key given twice is refused ---------------------------------------------------------


def test_a_duplicate_key_is_refused_not_last_wins() -> None:
    event = b'{"acute": false, "age": 16, "received_at": "2026-11-23T10:00:00+01:00", "acute": true}'
    single = run("route", "koege", "--event", "-", stdin=event)
    assert single.returncode == 2
    assert "'acute' står to gange".encode() in single.stderr
    stream = run("route", "koege", "--events", "-", stdin=event + b"\n")
    record = json.loads(stream.stdout)
    assert record["error"] and record["problems"][0]["field"] == "event"
    hidden = run("route", "koege", "--event", "-", stdin=b'{"acute": false, "x_Jens": 1, "x_Jens": 2}')
    assert "står to gange".encode() in hidden.stderr and b"Jens" not in hidden.stderr


# --- 9: the report folder is the whole old site or the whole new one -----------------------------


def test_a_smaller_report_leaves_no_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    site = tmp_path / "site"
    assert main(["report", "plans/", "-o", str(site)]) == 0
    assert (site / "plans" / "randers.html").exists()
    assert main(["report", "plans/koege.yaml", "-o", str(site)]) == 0
    assert (site / "plans" / "koege.html").exists()
    assert not (site / "plans" / "randers.html").exists(), "a page of the earlier report survived"
    assert not [p for p in tmp_path.iterdir() if p.name != "site"], "a staging folder was left behind"


def test_a_report_that_fails_midway_leaves_the_old_site_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    site = tmp_path / "site"
    assert main(["report", "plans/", "-o", str(site)]) == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    real = _files._write_all
    calls = {"n": 0}

    def dies_after_three(fd: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt  # as if killed between two pages
        real(fd, data)

    monkeypatch.setattr(_files, "_write_all", dies_after_three)
    assert main(["report", "plans/koege.yaml", "-o", str(site), "--lang", "en"]) == 130
    assert calls["n"] > 3
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_staging_folder_of_a_killed_run_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".site.beredskab-{dead.pid}-abc"
    (stale / "sub").mkdir(parents=True)
    assert main(["report", "plans/koege.yaml", "-o", str(tmp_path / "site")]) == 0
    assert not stale.exists()


def test_a_folder_not_written_by_beredskab_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["report", "plans/koege.yaml", "-o", str(tmp_path)]) == 2
    assert "som beredskab ikke har skrevet" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# --- 12: init writes what it was given as text, nowhere but where asked ---------------------------


@pytest.mark.parametrize("name", ["Test: by", "Test #by", "Test 'by\" [x] {y} & *z"])
def test_init_keeps_any_one_line_name_as_text(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "testby", "--name", name, "--police-district", name]) == 0
    plan = beredskab.load_plan("plans/testby.yaml")
    assert plan.municipality.name == name
    # the placeholders are the only errors: the name itself breaks nothing
    capsys.readouterr()
    main(["validate", "--lang", "en", "plans/", "--as-of", "2026-12-01", "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert {p["code"] for p in problems if p["severity"] == "error"} == {"BK906"}


@pytest.mark.parametrize("name", ["Testby\nformat: 2", "Test\rby", "", "x" * 200])
def test_init_refuses_a_name_that_is_not_one_line(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "testby", "--name", name]) == 2
    assert "--name" in capsys.readouterr().err
    assert not (tmp_path / "plans").exists()


def test_init_never_writes_through_a_dangling_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    elsewhere = tmp_path / "elsewhere.yaml"
    (tmp_path / "plans" / "testby.yaml").symlink_to(elsewhere)
    (tmp_path / ".pre-commit-config.yaml").symlink_to(tmp_path / "elsewhere-precommit.yaml")
    assert main(["init", "testby"]) == 2
    assert "findes allerede" in capsys.readouterr().err
    assert not elsewhere.exists()
    assert main(["init", "other"]) == 0  # the pre-commit link is left alone, its hooks printed
    assert not (tmp_path / "elsewhere-precommit.yaml").exists()


def test_init_dir_that_is_a_file_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("", encoding="utf-8")
    assert main(["init", "testby", "--dir", "f"]) == 2
    err = capsys.readouterr().err
    assert "er en fil, ikke en mappe" in err and "intern fejl" not in err


# --- 13: a full disk is said plainly, and leaves nothing half-written -------------------------------


def _enospc(fd: int, data: bytes) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_init_on_a_full_disk_writes_nothing_and_can_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(_files, "_write_all", _enospc)
        assert main(["init", "testby"]) == 2
    err = capsys.readouterr().err
    assert "disken er fuld" in err and "intern fejl" not in err
    assert list((tmp_path / "plans").iterdir()) == []
    assert not (tmp_path / ".pre-commit-config.yaml").exists()
    assert main(["init", "testby"]) == 0


def test_report_on_a_full_disk_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(_files, "_write_all", _enospc)
    assert main(["report", "plans/koege.yaml", "-o", str(tmp_path / "site"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def _small_disk(path: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``path`` (skips where mounting is not allowed)."""
    path.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_real_full_disk(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", "64k") as disk:
        with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
            filler.write(b"x" * (60 * 1024))  # a plan (about 12 KiB) no longer fits
        init = run("init", "testby", cwd=disk)
        assert init.returncode == 2, init.stderr
        assert b"disken er fuld" in init.stderr and b"intern fejl" not in init.stderr
        assert not (disk / "plans" / "testby.yaml").exists()
        report = run("report", str(PLANS / "koege.yaml"), "-o", str(disk / "site"), "--lang", "en")
        assert report.returncode == 2
        assert b"the disk is full" in report.stderr
        assert not (disk / "site").exists()
