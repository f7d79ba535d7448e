"""Scores the API access behaviour dataset with scikit-learn's IsolationForest.

Reads the CSV named on the command line in place, builds the same features as
detect/external.ts (log(1 + x) of the seven numeric columns) and prints one anomaly
score per row, higher meaning more anomalous, in file order.
"""
import csv
import math
import sys

from sklearn.ensemble import IsolationForest

FEATURES = [
    "inter_api_access_duration(sec)",
    "api_access_uniqueness",
    "sequence_length(count)",
    "vsession_duration(min)",
    "num_sessions",
    "num_users",
    "num_unique_apis",
]


def main(path: str) -> None:
    with open(path, newline="") as handle:
        rows = [[math.log1p(max(0.0, float(row[name]))) for name in FEATURES] for row in csv.DictReader(handle)]
    forest = IsolationForest(n_estimators=200, random_state=42).fit(rows)
    for score in forest.score_samples(rows):
        print(-score)


if __name__ == "__main__":
    main(sys.argv[1])
