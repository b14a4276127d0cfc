# unspun — every target bootstraps .venv from requirements.txt on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 1337

.PHONY: venv serve serve-dev test train evaluate generalisation filter spark bench load-test spark-deps clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

serve: venv
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config service/gunicorn_conf.py "service.app:create_app()"

serve-dev: venv
	OMP_NUM_THREADS=1 $(PY) -m flask --app "service.app:create_app()" run --host $(HOST) --port $(PORT) --debug

test: venv
	$(PY) -m pytest -q tests

# on ../shared, a promoted model's report also gets its generalisation section (about 8 minutes for a three-member model)
train: venv
	$(PY) -m training.train --seed $(SEED) $(if $(DATA),--data $(DATA)) $(if $(EVAL),--eval $(EVAL)) $(if $(FORCE),--force)
	$(if $(DATA),,$(PY) -m training.generalisation)

generalisation: venv
	$(PY) -m training.generalisation $(if $(MODEL),--model-dir $(MODEL))

evaluate: venv
	$(PY) -m training.evaluate $(if $(MODEL),--model $(MODEL)) $(if $(DATA),--data $(DATA)) $(if $(EVAL),--eval $(EVAL))

# Nightly batch filtering: make filter IN="crawl/*.warc.gz pages/" OUT=out/nightly [FILTER_ARGS="--gzip --drop-warc"]
filter: venv
	@test -n "$(IN)" -a -n "$(OUT)" || { echo 'usage: make filter IN="<inputs>" OUT=<dir>'; exit 2; }
	$(PY) -m crawl filter $(IN) --out $(OUT) $(FILTER_ARGS)

# Spark: make spark IN=<file listing WARC paths> OUT=<folder> [FORMAT=parquet|json] [SPARK_MASTER=local[2]]
SPARK_MASTER ?= local[2]
FORMAT       ?= parquet
spark: venv
	@test -n "$(IN)" -a -n "$(OUT)" || { echo 'usage: make spark IN=<paths.txt> OUT=<folder> [FORMAT=json]'; exit 2; }
	$(PY) -c "import pyspark" 2>/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	PYSPARK_PYTHON=$(abspath $(PY)) PYSPARK_DRIVER_PYTHON=$(abspath $(PY)) $(VENV)/bin/spark-submit \
		--master "$(SPARK_MASTER)" crawl/spark_job.py $(IN) $(OUT) --format $(FORMAT) $(SPARK_ARGS)

bench: venv
	$(PY) -m bench.throughput $(BENCH_ARGS)
	$(PY) -m bench.spun_phrases

load-test: venv
	$(PY) -m bench.load_test $(if $(N),--requests $(N)) $(if $(C),--concurrency $(C))

# pyspark for the Spark job and its test (separate: ~300 MB)
spark-deps: venv
	$(PY) -c "import pyspark" 2>/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
