#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this node has as
# {"name": "gpu", "addresses": ["0", "1", ...]}, the JSON Spark's ResourceInformation reads, from nvidia-smi.
set -euo pipefail
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | sed '/^$/d')
printf '{"name": "gpu", "addresses": ['
first=1
for i in $ids; do
  [ $first = 1 ] || printf ', '
  printf '"%s"' "$i"
  first=0
done
printf ']}\n'
