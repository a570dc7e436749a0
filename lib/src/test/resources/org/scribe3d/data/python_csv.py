"""Reference CSV parse with Python's csv module (RFC 4180 dialect 'excel'): prints rows as JSON."""
import csv
import json
import sys

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = [r for r in csv.reader(f) if r]
print(json.dumps(rows))
