"""unspun's batch filter: score every HTML page of a crawl (WARC, HTML folders, JSONL) and write
one verdict line per page, locally on all cores (`python -m crawl filter`) or on Spark
(`crawl/spark_job.py`). Both paths read pages with `crawl.inputs` and score them with
`crawl.scoring`, so they hand the detector identical inputs and give identical verdicts.
"""
