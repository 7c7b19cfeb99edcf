"""Which files a batch holds and what the user's manifest says about them: every file gets a row,
every manifest mistake a warning naming its line, no silent groups and nothing counted twice."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pytest

from strategyscan import pipeline
from strategyscan.ingestion.manifest import ManifestError, match, read_manifest
from strategyscan.ingestion.sources import discover

TEXT = ("The national cyber security centre will train incident responders in partner states and share "
        "threat information with allies through regional exercises.\n")


def write(path, text=TEXT):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manifest(tmp_path, rows: str):
    path = tmp_path / "m.csv"
    path.write_text("file,country,iso3,year\n" + rows, encoding="utf-8")
    return read_manifest(path)


def test_folder_per_country_layout_matches_rows_on_the_path_under_the_source(tmp_path):
    src = tmp_path / "src"
    write(src / "France" / "strategy.txt", TEXT)
    write(src / "Germany" / "strategy.txt", TEXT.replace("allies", "friends"))
    (src / "manifest.csv").write_text("file,country,year\nFrance/strategy.txt,France,2018\n"
                                      "Germany/strategy.txt,Germany,2021\n", encoding="utf-8")
    docs = pipeline.ingest([src]).documents.set_index("file")
    assert docs.loc[str(src / "France" / "strategy.txt"), ["iso3", "year"]].tolist() == ["FRA", 2018]
    assert docs.loc[str(src / "Germany" / "strategy.txt"), ["iso3", "year"]].tolist() == ["DEU", 2021]


def test_a_base_name_matches_only_when_it_is_unique_and_unmatched_rows_are_reported(tmp_path):
    src = tmp_path / "src"
    files = [write(src / "a" / "strategy.txt"), write(src / "b" / "strategy.txt"), write(src / "b" / "KEN.txt")]
    found = discover([src])
    rows = manifest(tmp_path, "strategy.txt,France,,2018\nKEN.txt,Kenya,,2014\nnowhere.txt,Chad,,2010\n")
    result = match(rows, found)
    by_file = {found[i].path: meta for i, meta in result.metas.items()}
    assert list(by_file) == [files[2]] and by_file[files[2]].iso3 == "KEN"
    messages = [str(w) for w in result.warnings]
    assert any("line 2" in m and "matches 2 files" in m for m in messages)
    assert any("line 4" in m and "nowhere.txt matches no file" in m for m in messages)


@pytest.mark.parametrize("written,iso3", [("France", "FRA"), ("france", "FRA"), ("FRA", "FRA"), (" France ", "FRA")])
def test_country_spellings_become_one_country(tmp_path, written, iso3):
    row = manifest(tmp_path, f"x.txt,{written},,2018\n").rows[0]
    assert (row.meta.country, row.meta.iso3) == ("France", iso3)


def test_uk_in_a_manifest_is_the_united_kingdom_a_file_name_gives(tmp_path):
    from strategyscan.ingestion.metadata import from_file_name

    row = manifest(tmp_path, "x.txt,UK,,2016\n").rows[0]
    named = from_file_name("United Kingdom 2016 strategy.pdf")
    assert (row.meta.country, row.meta.iso3) == (named.country, named.iso3) == ("United Kingdom", "GBR")


def test_manifest_mistakes_are_warnings_with_their_line(tmp_path):
    read = manifest(tmp_path, "a.txt,Frnace,,2018\n"        # line 2: a typo
                              "b.txt,Atlantis,,2018\n"      # line 3: unknown
                              "c.txt,France,DEU,2018\n"     # line 4: contradicts its code
                              "d.txt,Kenya,,1066\n"         # line 5: impossible years
                              "e.txt,Kenya,,2999\n"
                              "f.txt,Kenya,,twenty\n"
                              "a.txt,Spain,,2019\n"         # line 8: duplicate row
                              "g.txt,Kestria,XKE,2019\n")   # a user-assigned code: meant, no warning
    messages = {w.line: w.message for w in read.warnings}
    assert "not a known country name (did you mean France?)" in messages[2]
    assert "'Atlantis' is not a known country name" in messages[3]
    assert "is FRA, not DEU" in messages[4]
    assert "1066 is not a plausible" in messages[5] and "2999 is not a plausible" in messages[6]
    assert "'twenty' is not a number" in messages[7]
    assert "already given on line 2" in messages[8]
    assert 9 not in messages
    rows = {r.key: r.meta for r in read.rows}
    assert rows["c.txt"].iso3 == "DEU" and rows["d.txt"].year is None and rows["a.txt"].country == "Frnace"
    assert (rows["g.txt"].country, rows["g.txt"].iso3) == ("Kestria", "XKE")


def test_a_manifest_warning_reaches_the_file_row_and_the_warnings_table(tmp_path):
    src = tmp_path / "src"
    write(src / "a.txt")
    (src / "manifest.csv").write_text("file,country,year\na.txt,Atlantis,2018\nmissing.txt,Chad,2010\n",
                                      encoding="utf-8")
    out = pipeline.ingest([src], tmp_path / "out")
    doc = out.documents.iloc[0]
    assert doc["status"] == "warning" and "manifest line 2" in doc["reason"] and "Atlantis" in doc["reason"]
    table = pd.read_csv(tmp_path / "out" / "manifest_warnings.csv")
    assert table["line"].tolist() == [2, 3] and "missing.txt matches no file" in table["message"].iloc[1]


def test_an_unreadable_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(ManifestError, match="needs columns"):
        (tmp_path / "cols.csv").write_text("name,when\n", encoding="utf-8")
        read_manifest(tmp_path / "cols.csv")
    with pytest.raises(ManifestError, match="manifest not found"):
        read_manifest(tmp_path / "nope.csv")


def test_duplicate_files_are_counted_once_and_reported(tmp_path):
    src = tmp_path / "src"
    write(src / "KEN_2014.txt")
    write(src / "copy of KEN_2014.txt")
    out = pipeline.ingest([src])
    docs = out.documents.set_index("file")
    dup = docs.loc[str(src / "copy of KEN_2014.txt")]
    assert dup["status"] == "warning" and f"duplicate of {src / 'KEN_2014.txt'}" in dup["reason"]
    assert out.passages["passage_id"].is_unique and out.passages["file"].nunique() == 1


def test_deeply_nested_folders_are_walked_without_recursion(tmp_path):
    deep = tmp_path / "src"
    deep.mkdir()
    fd = os.open(deep, os.O_RDONLY)
    for _ in range(1500):  # level by level: os.makedirs itself recurses
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    os.close(fd)
    path = deep.joinpath(*["d"] * 1500)
    write(path / "KEN_2014.txt")
    try:
        assert [f.path for f in discover([deep])] == [path / "KEN_2014.txt"]
    finally:  # pytest's own clean-up of tmp_path recurses, and would fail on this tree
        (path / "KEN_2014.txt").unlink()
        for level in range(1500, 0, -1):
            os.rmdir(deep.joinpath(*["d"] * level))


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks are POSIX")
def test_fifos_and_broken_links_get_a_row_and_never_block(tmp_path):
    src = tmp_path / "src"
    write(src / "KEN_2014.txt")
    os.mkfifo(src / "pipe.txt")
    os.symlink(tmp_path / "gone.pdf", src / "dangling.pdf")
    named_fifo = tmp_path / "named.pdf"
    os.mkfifo(named_fifo)
    docs = pipeline.ingest([src, named_fifo, tmp_path / "no_such.pdf"]).documents.set_index("file")
    assert "FIFO" in docs.loc[str(src / "pipe.txt"), "reason"]
    assert "broken symbolic link" in docs.loc[str(src / "dangling.pdf"), "reason"]
    assert "FIFO" in docs.loc[str(named_fifo), "reason"]
    assert docs.loc[str(tmp_path / "no_such.pdf"), "reason"] == "no such file or folder"
    assert docs.loc[str(src / "KEN_2014.txt"), "status"] == "ok"
