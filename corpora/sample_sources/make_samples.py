"""Render the sample strategies written here as PDFs in `corpora/samples/`, the way real ones look to an ingester:
a running header, "Page n of N" footers, justified wrapped text and bullet lists.

Usage: python corpora/sample_sources/make_samples.py   (or `make samples`)
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "samples"
# file stem -> (country as the manifest names it, its code from ISO 3166's user-assigned X.. range,
# which tells ingest the country is meant though no table knows it, year)
COUNTRIES = {
    "kestria_2019": ("Kestria", "XKE", 2019),
    "solmara_2021": ("Solmara", "XSO", 2021),
    "aurelia_2020": ("Aurelia", "XAU", 2020),
    "drakmoor_2022": ("Drakmoor", "XDR", 2022),
    "veridia_2018": ("Veridia", "XVE", 2018),
}


class StrategyPDF(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(format="A4")
        self.running_title = running_title
        self.core_fonts_encoding = "windows-1252"  # has the bullet glyph
        self.set_margins(22, 22, 22)
        self.set_auto_page_break(True, margin=22)

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, self.running_title, align="R")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")


def blocks(text: str) -> list[str]:
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def render(src: Path, dest: Path, year: int) -> None:
    lines = src.read_text(encoding="utf-8").splitlines()
    title, subtitle = lines[0].strip(), lines[1].strip()
    pdf = StrategyPDF(title.split(" - ")[0])
    pdf.set_creation_date(datetime(year, 1, 1, tzinfo=UTC))  # fixes the file id too: same bytes every run
    pdf.set_title(title)
    pdf.set_creator("strategyscan corpora/samples/make_samples.py")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for block in blocks("\n".join(lines[2:])):
        rows = block.splitlines()
        if len(rows) == 1 and len(rows[0].split()) <= 8 and not rows[0].endswith("."):
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, rows[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        pdf.set_font("Helvetica", size=10.5)
        for row in _merge_wrapped(rows):
            if row.startswith("- "):
                pdf.set_x(pdf.l_margin + 6)
                pdf.multi_cell(0, 5.5, "\u2022 " + row[2:].strip(), align="J", new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.multi_cell(0, 5.5, row, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(dest))


def _merge_wrapped(rows: list[str]) -> list[str]:
    """Join hard-wrapped lines of a paragraph; keep each bullet item separate."""
    out: list[str] = []
    for row in rows:
        row = row.strip()
        if out and not row.startswith("- "):
            out[-1] = f"{out[-1]} {row}"
        else:
            out.append(row)
    return out


def main() -> None:
    manifest = []
    OUT.mkdir(exist_ok=True)
    for src in sorted(HERE.glob("*.txt")):
        dest = OUT / f"{src.stem}.pdf"
        country, iso3, year = COUNTRIES[src.stem]
        render(src, dest, year)
        manifest.append({"file": dest.name, "country": country, "iso3": iso3, "year": year})
        print(f"wrote {dest.relative_to(HERE.parent.parent)}")
    with (OUT / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "country", "iso3", "year"])
        writer.writeheader()
        writer.writerows(manifest)


if __name__ == "__main__":
    main()
