PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
OUT    ?= out/sample

.PHONY: install install-ocr install-browser run demo test test-fast lint check-install model select samples bench bench-ingest bench-hostile bench-wild bench-ocr bench-tag bench-shares bench-estimators bench-report bench-run learning-curve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## OCR for scanned PDFs (tesserocr, pytesseract; the language data: apt-get install tesseract-ocr-eng ...)
install-ocr: install
	$(PY) -m pip install --quiet -e '.[ocr]'

## the report's browser tests: Playwright (Chromium itself comes from the system: apt-get install chromium)
install-browser: install
	$(PY) -m pip install --quiet -e '.[browser]'

## run the whole pipeline (ingest, tag, compare) on the built-in sample
run: install
	$(BIN)/strategyscan run corpora/samples --out $(OUT)
	@echo "open $(OUT)/report.html in a browser"

demo: run

test: install
	$(PY) -m pytest -q

## the inner loop: the suite without the tests marked slow (make test stays the full suite)
test-fast: install
	$(PY) -m pytest -q -m "not slow"

## a plain (not editable) install in a fresh venv runs the sample: the model and corpora ship as package data
check-install:
	rm -rf build/check-install && $(PYTHON) -m venv build/check-install/venv
	build/check-install/venv/bin/pip install --quiet .
	cd build && check-install/venv/bin/strategyscan run ../corpora/samples --out check-install/out -q
	test -s build/check-install/out/report.html && test -s build/check-install/out/country_comparison.csv
	@echo "a plain install runs the sample"

## ruff (lint), as CI runs it
lint: install
	$(PY) -m pip install --quiet -e '.[lint]'
	$(BIN)/ruff check strategyscan tests bench corpora

OTHER_LANGUAGES = fr es pt ru

## rebuild the shipped models: hand-written + real-sentence corpora, settings from corpora/model_params*.json;
## English in models/default, each other language in models/default/LANG
model: install
	$(BIN)/strategyscan train --out models/default --score-heldout
	for lang in $(OTHER_LANGUAGES); do \
		$(BIN)/strategyscan train --language $$lang --out models/default/$$lang --score-heldout || exit 1; done

## choose the models' settings by document-grouped CV on train documents (writes corpora/model_params*.json)
select: install
	$(PY) -m strategyscan.classification.selection
	for lang in $(OTHER_LANGUAGES); do $(PY) -m strategyscan.classification.selection --language $$lang || exit 1; done

## regenerate the sample PDFs from their text
samples: install
	$(PY) corpora/sample_sources/make_samples.py

bench: bench-ingest bench-hostile bench-wild bench-ocr bench-tag bench-shares bench-estimators bench-report bench-run bench-scale

## what hostile text files cost: a 200 MB text and 6 million characters without a blank line
bench-hostile: install
	$(PY) bench/hostile.py

bench-ingest: install
	$(PY) bench/ingest.py

## OCR accuracy and seconds per page (needs make install-ocr and the language data)
bench-ocr: install
	$(PY) bench/ocr.py

## ingest on real government PDFs (../shared/corpora/pdfs/wild) against pdftotext
bench-wild: install
	$(PY) bench/wild.py

bench-tag: install
	$(PY) bench/tag.py

bench-shares: install
	$(PY) bench/shares.py

## share estimators on the training documents' out-of-fold predictions (issue 12; about a minute)
bench-estimators: install
	$(PY) bench/estimators.py

bench-report: install
	$(PY) bench/report.py

bench-run: install
	$(PY) bench/run.py

## 10,000 documents through the whole run (about 40 minutes here), and Dask against local processes
bench-scale: install
	$(PY) bench/scale.py

learning-curve: install
	$(PY) bench/learning_curve.py

clean:
	rm -rf out .pytest_cache
